"""A handoff through the running servers: the user on the REST channel, the advisor in the web console,
the user's client polling the handoff API; a restart of the web app in the middle."""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest
import requests
from sqlalchemy import select

from assistant.db import create_database_engine, create_session_factory
from assistant.handoff.models import TicketRow
from tests.e2e.conftest import GUICHET, Assistant
from tests.e2e.test_rest_channel import the_payload

pytestmark = pytest.mark.slow
PASSWORD = "mot de passe du conseiller"


class Console:
    """An advisor's browser on the web app: forms with their CSRF token."""

    def __init__(self, assistant: Assistant, login: str):
        self.url = assistant.web_url
        self.browser = requests.Session()
        self.post("/conseiller/connexion", "/conseiller/connexion", login=login, password=PASSWORD)

    def page(self, path: str) -> str:
        response = self.browser.get(self.url + path, timeout=30)
        response.raise_for_status()
        return response.text

    def post(self, form_page: str, path: str, **data) -> str:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.page(form_page)).group(1)
        response = self.browser.post(self.url + path, data={"csrf_token": token, **data}, timeout=30)
        response.raise_for_status()
        return response.text


def add_advisor(assistant: Assistant, departments: list[str]) -> str:
    login = f"conseiller-{uuid.uuid4().hex[:8]}"
    options = [arg for code in departments for arg in ("--departement", code)]
    subprocess.run([str(GUICHET), "advisors", "add", login, "--name", "Anne Martin", *options], check=True,
                   env={**assistant.environment, "GUICHET_ADVISOR_PASSWORD": PASSWORD}, capture_output=True)
    return login


def advisor_messages(assistant: Assistant, handoff: dict) -> dict:
    response = requests.get(f"{assistant.web_url}/api/handoff/{handoff['ticket']}",
                            headers={"X-Handoff-Secret": handoff["secret"]}, timeout=30)
    response.raise_for_status()
    return response.json()


def stored_ticket(assistant: Assistant, ticket_id: str) -> TicketRow:
    engine = create_database_engine(assistant.environment["GUICHET_DATABASE_URL"])
    with create_session_factory(engine)() as session:
        ticket = session.execute(select(TicketRow).where(TicketRow.id == int(ticket_id))).scalars().one()
    engine.dispose()
    return ticket


def test_a_live_handoff_both_ways_across_a_web_app_restart(assistant: Assistant, sender):
    advisor = Console(assistant, add_advisor(assistant, ["77"]))  # logged in: online, for any unplaced user
    assistant.send(sender, "j'ai perdu ma carte vitale")

    offer = the_payload(assistant.send(sender, "je veux parler à quelqu'un"))
    assert (offer["type"], offer["status"], offer["context"]["topic"]) == ("handoff", "offered", "sante")
    waiting = the_payload(assistant.send(sender, "oui"))
    assert waiting["status"] == "waiting" and waiting["ticket"] and len(waiting["secret"]) >= 40

    assert assistant.send(sender, "vous êtes là ?") == []  # paused: the bot stays silent, the advisor reads it
    page = f"/conseiller/demandes/{waiting['ticket']}"
    assert "Usager : vous êtes là ?" in advisor.page(page)
    advisor.post(page, f"{page}/prendre")
    advisor.post(page, f"{page}/repondre", text="Bonjour, je suis Anne. Avez-vous déclaré la perte ?")
    assert advisor_messages(assistant, waiting)["status"] == "live"

    assistant.servers["web"].restart()  # the advisor's session cookie is still valid: same secret
    assistant.send(sender, "pas encore")
    assert "Usager : pas encore" in advisor.page(page)
    advisor.post(page, f"{page}/repondre", text="Je vous explique la marche à suivre.")
    exchanged = advisor_messages(assistant, waiting)
    assert [m["text"] for m in exchanged["messages"]] == [
        "Bonjour, je suis Anne. Avez-vous déclaré la perte ?", "Je vous explique la marche à suivre."]
    assert {m["recipient_id"] for m in exchanged["messages"]} == {sender}

    advisor.post(page, f"{page}/cloturer")
    assert advisor_messages(assistant, waiting)["status"] == "closed"
    assert the_payload(assistant.send(sender, "merci"))["type"] == "thanks"  # the bot is back


def test_declining_the_offer_returns_to_the_conversation(assistant: Assistant, sender):
    assert the_payload(assistant.send(sender, "un conseiller svp"))["status"] == "offered"

    assert the_payload(assistant.send(sender, "non merci")) == {"type": "handoff", "ticket": None,
                                                               "status": "declined"}
    assert the_payload(assistant.send(sender, "j'ai perdu ma carte vitale"))["type"] == "procedures"


def test_a_callback_with_an_invalid_then_a_valid_phone_number(assistant: Assistant, sender):
    Console(assistant, add_advisor(assistant, ["2A"]))  # online, but nobody online covers Haute-Saône (70)
    assert the_payload(assistant.send(sender, "France Services près de Lure"))["location"]["insee"] == "70310"
    assert the_payload(assistant.send(sender, "je veux être rappelé"))["context"]["commune"] == "Lure"

    asked = assistant.send(sender, "oui")
    assert the_payload(asked) == {"type": "handoff", "ticket": None, "status": "callback", "asking": "contact"}
    again = assistant.send(sender, "06 12")
    assert "ne semble pas valide" in again[0]["text"]
    when = the_payload(assistant.send(sender, "06 12 34 56 78"))
    assert when["asking"] == "time"

    created = assistant.send(sender, "Le matin")
    payload = the_payload(created)
    assert payload["status"] == "callback" and payload["ticket"]
    ticket = stored_ticket(assistant, payload["ticket"])
    assert (ticket.phone, ticket.preferred_time, ticket.commune, ticket.department) == (
        "+33 6 12 34 56 78", "Le matin", "Lure", "70")
    assert ticket.structure_id == int(payload["structure"]["id"])
    assert f"numéro {payload['ticket']}" in created[0]["text"]
