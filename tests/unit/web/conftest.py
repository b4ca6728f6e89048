"""The web app on the test's database, with a stand-in for Rasa's HTTP API."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.handoff.advisors import add_advisor
from assistant.handoff.tickets import TicketRequest, create_ticket
from assistant.web.app import create_app
from assistant.web.rasa_client import RasaClient
from tests.conftest import make_services

PASSWORD = "un mot de passe solide"
SECRET = "clé de test " * 4


class FakeRasa:
    """Rasa's HTTP API as the web app uses it: a tracker per conversation, events posted, a token required."""

    def __init__(self):
        self.events: dict[str, list[dict]] = {}
        self.posted: list[tuple[str, list[dict]]] = []
        self.down = False

    def user_says(self, sender: str, text: str) -> None:
        self.events.setdefault(sender, []).append(
            {"event": "user", "text": text, "timestamp": datetime.now(timezone.utc).timestamp()})

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused")
        assert request.url.params["token"] == "jeton"
        sender = request.url.path.split("/")[2]
        if request.method == "GET":
            return httpx.Response(200, json={"sender_id": sender, "events": self.events.get(sender, [])})
        self.posted.append((sender, httpx.Response(200, content=request.content).json()))
        return httpx.Response(200, json={})


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
def make_app(session_factory, rasa):
    """The app on the test's database: its services read what the test loaded there."""
    def make(**options):
        client = RasaClient("http://rasa", "jeton", transport=httpx.MockTransport(rasa.handle))
        return create_app(make_services(session_factory), client, session_secret=SECRET, **options)
    return make


@pytest.fixture
def ticket(session_factory):
    with session_factory() as session:
        for login, departments in (("anne", ["77"]), ("paul", [])):
            add_advisor(session=session, login=login, name=login.title(), password=PASSWORD, departments=departments)
        row, secret = create_ticket(session=session, callback=False, request=TicketRequest(
            sender_id="marie", reason="asked", summary="« je déménage »", commune="Coulommiers", department="77",
            transcript=[{"author": "user", "text": "je déménage"}]))
    return row.id, secret


def csrf(client: TestClient, path: str = "/conseiller/connexion") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def logged_in(app, login: str = "anne") -> TestClient:
    client = TestClient(app)
    response = client.post("/conseiller/connexion", data={"login": login, "password": PASSWORD,
                                                          "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    return client


