from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from assistant.feedback.models import RatingRow
from assistant.feedback.report import record_event
from assistant.handoff.models import CLOSED, LIVE
from assistant.web.routers.console import RESUMED_TEXT
from tests.unit.web.conftest import PASSWORD, csrf, logged_in


def post(client: TestClient, path: str, **data) -> httpx.Response:
    ticket_page = path.rsplit("/", 1)[0]
    return client.post(path, data={"csrf_token": csrf(client, ticket_page), **data})


def test_the_console_needs_a_login(make_app, ticket):
    client = TestClient(make_app())

    assert client.get("/conseiller", follow_redirects=False).headers["location"] == "/conseiller/connexion"
    wrong = client.post("/conseiller/connexion", data={"login": "anne", "password": "faux", "csrf_token": csrf(client)})
    assert wrong.status_code == 401 and "Identifiant ou mot de passe incorrect." in wrong.text
    forged = client.post("/conseiller/connexion", data={"login": "anne", "password": PASSWORD})
    assert forged.status_code == 403 and "Formulaire expiré" in forged.text


def test_session_cookies_are_http_only_and_same_site(make_app, ticket):
    for options, secure in (({}, False), ({"secure_cookies": True}, True)):
        client = TestClient(make_app(**options))
        cookie = client.get("/conseiller/connexion").headers["set-cookie"]
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        assert ("secure" in cookie.lower().replace("samesite", "")) is secure


def test_waiting_tickets_are_listed_by_department(make_app, ticket):
    anne = logged_in(make_app())

    assert f'href="/conseiller/demandes/{ticket[0]}"' in anne.get("/conseiller").text
    assert "Aucune demande" in anne.get("/conseiller?departement=88").text


def test_one_claim_wins_and_the_exchange_goes_both_ways(make_app, ticket, rasa):
    ticket_id, secret = ticket
    app = make_app()
    anne, paul = logged_in(app, "anne"), logged_in(app, "paul")
    page = f"/conseiller/demandes/{ticket_id}"

    post(anne, f"{page}/prendre")
    assert "déjà été prise par un autre conseiller" in post(paul, f"{page}/prendre").text
    assert "seul le conseiller qui la tient peut répondre" in post(paul, f"{page}/repondre", text="Bonjour").text

    rasa.user_says("marie", "vous êtes là ?")
    post(anne, f"{page}/repondre", text="Bonjour, je suis Anne, je regarde votre dossier.")
    shown = anne.get(page).text
    assert "Usager : vous êtes là ?" in shown and shown.count("vous êtes là ?") == 1
    assert anne.get(page).text.count("vous êtes là ?") == 1  # copied from Rasa once

    client = TestClient(app)
    answer = client.get(f"/api/handoff/{ticket_id}", headers={"X-Handoff-Secret": secret}).json()
    assert answer["status"] == LIVE
    assert [m["text"] for m in answer["messages"]] == ["Bonjour, je suis Anne, je regarde votre dossier."]
    assert answer["messages"][0]["recipient_id"] == "marie"
    later = client.get(f"/api/handoff/{ticket_id}?after={answer['messages'][0]['id']}",
                       headers={"X-Handoff-Secret": secret}).json()
    assert later["messages"] == []
    assert client.get(f"/api/handoff/{ticket_id}", headers={"X-Handoff-Secret": "devine"}).status_code == 404


def test_closing_resumes_the_bot_and_tells_the_client(make_app, ticket, rasa):
    ticket_id, secret = ticket
    anne = logged_in(make_app())
    page = f"/conseiller/demandes/{ticket_id}"
    post(anne, f"{page}/prendre")

    rasa.down = True
    assert "la demande reste ouverte" in post(anne, f"{page}/cloturer").text
    rasa.down = False
    post(anne, f"{page}/cloturer")

    assert rasa.posted == [("marie", [{"event": "resume"}, {"event": "bot", "text": RESUMED_TEXT},
                                      {"event": "action", "name": "action_listen"}])]
    answer = anne.get(f"/api/handoff/{ticket_id}", headers={"X-Handoff-Secret": secret}).json()
    assert answer["status"] == CLOSED and answer["messages"][-1]["text"] == RESUMED_TEXT


def test_a_note_is_kept_with_the_ticket(make_app, ticket):
    anne = logged_in(make_app())
    page = f"/conseiller/demandes/{ticket[0]}"

    post(anne, f"{page}/note", text="Rappeler pour le justificatif de domicile")

    assert "Rappeler pour le justificatif de domicile" in anne.get(page).text


def test_a_restarted_web_app_keeps_tickets_and_sessions(make_app, ticket, rasa):
    ticket_id, secret = ticket
    anne = logged_in(make_app())
    page = f"/conseiller/demandes/{ticket_id}"
    post(anne, f"{page}/prendre")
    post(anne, f"{page}/repondre", text="Premier message")

    restarted = TestClient(make_app(), cookies=anne.cookies)  # a new process: the same database and secret
    post(restarted, f"{page}/repondre", text="Après le redémarrage")

    answer = restarted.get(f"/api/handoff/{ticket_id}", headers={"X-Handoff-Secret": secret}).json()
    assert [m["text"] for m in answer["messages"]] == ["Premier message", "Après le redémarrage"]


def test_the_demo_page_and_the_widget_are_served(make_app):
    client = TestClient(make_app())

    page = client.get("/")
    assert page.status_code == 200
    assert '<guichet-assistant rasa-url="http://localhost:5005"></guichet-assistant>' in page.text
    script = client.get("/widget/guichet-widget.js")
    assert script.status_code == 200 and "customElements.define" in script.text


def test_ratings_are_validated_stored_and_reported(make_app, ticket, session_factory):
    client = TestClient(make_app())

    stored = client.post("/api/ratings", json={"sender": "marie", "topic": "demenagement", "kind": "procedures",
                                                "useful": False, "reason": " trop long "})
    refused = client.post("/api/ratings", json={"sender": "marie", "kind": "<script>", "useful": "peut-être"})

    assert stored.status_code == 201
    assert refused.status_code == 422 and refused.json()["detail"].startswith("Requête invalide : vérifiez")
    with session_factory() as session:
        assert session.get(RatingRow, stored.json()["id"]).reason == "trop long"


def test_the_statistics_page_shows_each_topic(make_app, ticket, session_factory):
    with session_factory() as session:
        record_event(session=session, sender_id="marie", topic="demenagement", kind="answer")
    anne = logged_in(make_app())

    page = anne.get("/conseiller/statistiques").text

    assert "<td>demenagement</td><td>1</td><td>0 %</td>" in page
    assert "<td>100 %</td>" in page  # marie's conversation was handed off
