"""The web app's public endpoints: rate limits per client, and a French 4xx, never a 500, for bad input."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient

from assistant.feedback.models import RatingRow
from assistant.ratelimit import RateLimitSettings
from tests.unit.web.conftest import PASSWORD, csrf

CITIZEN, NEIGHBOUR, PROXY = "203.0.113.5", "198.51.100.7", "127.0.0.1"
RATING = {"sender": "marie", "topic": "demenagement", "kind": "procedures", "useful": True}
WRONG_LOGIN = "Identifiant ou mot de passe incorrect."


def limits(**settings) -> RateLimitSettings:
    return RateLimitSettings(key_prefix=f"test-{uuid.uuid4().hex}", **settings)


def from_address(app, address: str = CITIZEN, **options) -> TestClient:
    return TestClient(app, client=(address, 50000), **options)


def assert_too_many(answer, message_start: str = "Trop de messages en peu de temps") -> int:
    wait = int(answer.headers["Retry-After"])
    assert answer.status_code == 429 and 1 <= wait <= 60
    assert answer.json() == {"error": f"{message_start} : réessayez dans {wait} secondes."}
    return wait


def test_the_61st_rating_of_the_minute_is_refused_and_a_neighbour_goes_on(make_app, ticket):
    app = make_app(rate_limits=limits(public="60/minute"))
    citizen, neighbour = from_address(app), from_address(app, NEIGHBOUR)
    ticket_id, secret = ticket

    assert [citizen.post("/api/ratings", json=RATING).status_code for _ in range(60)] == [201] * 60
    assert_too_many(citizen.post("/api/ratings", json=RATING))
    assert neighbour.post("/api/ratings", json=RATING).status_code == 201
    assert citizen.get(f"/api/handoff/{ticket_id}", headers={"X-Handoff-Secret": secret}).status_code == 200


def test_polling_has_its_own_budget(make_app, ticket):
    app = make_app(rate_limits=limits(public="1/minute", polling="3/minute"))
    citizen = from_address(app)
    ticket_id, secret = ticket
    poll = f"/api/handoff/{ticket_id}"

    assert [citizen.get(poll, headers={"X-Handoff-Secret": secret}).status_code for _ in range(3)] == [200] * 3
    assert_too_many(citizen.get(poll, headers={"X-Handoff-Secret": secret}))
    assert citizen.post("/api/ratings", json=RATING).status_code == 201


def test_login_attempts_are_slowed_down_with_a_french_page(make_app, ticket):
    app = make_app(rate_limits=limits(login="2/minute"))
    advisor = from_address(app)
    token = csrf(advisor)
    attempts = [advisor.post("/conseiller/connexion", data={"login": "anne", "password": guess, "csrf_token": token})
                for guess in ("123456", "motdepasse", PASSWORD)]

    assert [answer.status_code for answer in attempts[:2]] == [401, 401]
    refused = attempts[2]  # even the right password: the budget is spent
    wait = int(refused.headers["Retry-After"])
    assert refused.status_code == 429 and refused.headers["content-type"].startswith("text/html")
    assert f"Trop de tentatives de connexion en peu de temps : réessayez dans {wait} secondes." in refused.text
    assert advisor.get("/conseiller/connexion").status_code == 200  # the form itself is not counted
    assert from_address(app, NEIGHBOUR).post("/conseiller/connexion", data={
        "login": "anne", "password": PASSWORD, "csrf_token": token}, follow_redirects=False).status_code == 403


def test_static_files_and_the_console_are_not_counted(make_app, ticket):
    app = make_app(rate_limits=limits(public="1/minute", polling="1/minute", login="1/minute"))
    visitor = from_address(app)

    for _ in range(5):
        assert visitor.get("/widget/guichet-widget.js").status_code == 200
        assert visitor.get("/").status_code == 200
        assert visitor.get("/health").status_code == 200
        assert visitor.get("/conseiller/connexion").status_code == 200
        assert visitor.get("/api/reference/procedures").status_code == 401


def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy(make_app):
    app = make_app(rate_limits=limits(public="1/minute", trusted_proxies=(PROXY,)))
    proxy, direct = from_address(app, PROXY), from_address(app, NEIGHBOUR)

    def rate(client: TestClient, forwarded: str) -> int:
        return client.post("/api/ratings", json=RATING, headers={"X-Forwarded-For": forwarded}).status_code

    assert [rate(proxy, forwarded) for forwarded in (CITIZEN, CITIZEN, f"192.0.2.1, {CITIZEN}", "192.0.2.2")] == [
        201, 429, 429, 201]
    assert [rate(direct, forwarded) for forwarded in ("192.0.2.3", "192.0.2.4")] == [201, 429]


def test_a_refusal_reaches_the_embedding_site(make_app):
    site = "https://www.mairie-coulommiers.fr"
    app = make_app(cors_origins=(site,), rate_limits=limits(public="1/minute"))
    citizen = from_address(app)

    citizen.post("/api/ratings", json=RATING, headers={"Origin": site})
    refused = citizen.post("/api/ratings", json=RATING, headers={"Origin": site})

    assert_too_many(refused)
    assert refused.headers["access-control-allow-origin"] == site


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"", 422, "Requête invalide : vérifiez corps."),
        (b"{not json", 422, "Requête illisible : le corps doit être du JSON."),
        (b'{"sender": "\xff\xfe", "kind": "procedures", "useful": true}', 400,
         "Requête illisible : le corps doit être du JSON valide, encodé en UTF-8."),
        (b"[" * 30_000, 400, "Requête illisible : le corps doit être du JSON valide, encodé en UTF-8."),
        (b"[1, 2]", 422, "Requête invalide : vérifiez corps."),
        (json.dumps({"sender": 12, "kind": "<script>", "useful": "peut-être"}).encode(), 422,
         "Requête invalide : vérifiez sender, kind, useful."),
        (json.dumps({**RATING, "useful": "true"}).encode(), 422, "Requête invalide : vérifiez useful."),
        (json.dumps({**RATING, "sender": " \t\n "}).encode(), 422, "Requête invalide : vérifiez sender."),
        (json.dumps({**RATING, "reason": "trop long " * 1_000}).encode(), 422, "Requête invalide : vérifiez reason."),
        (json.dumps({**RATING, "reason": "nul\u0000"}).encode(), 422, "Requête invalide : vérifiez reason."),
        (json.dumps({**RATING, "reason": "x"})[:-1].encode() + b', "topic": "\\ud800"}', 422,
         "Requête invalide : vérifiez topic."),
    ],
)
def test_a_bad_rating_is_refused_in_french(make_app, body, status, detail):
    answer = TestClient(make_app()).post("/api/ratings", content=body, headers={"Content-Type": "application/json"})

    assert (answer.status_code, answer.json()) == (status, {"detail": detail})


@pytest.mark.parametrize("reason", ["👍 très clair 🇫🇷", "<script>alert('x')</script>", "'; DROP TABLE rating; --",
                                    "é" * 500])
def test_any_text_within_the_limits_is_stored_as_it_is(make_app, session_factory, reason):
    client = TestClient(make_app())

    stored = client.post("/api/ratings", json={**RATING, "reason": reason})
    again = client.post("/api/ratings", json=RATING)

    assert stored.status_code == 201 and again.status_code == 201
    with session_factory() as session:
        assert session.get(RatingRow, stored.json()["id"]).reason == reason


@pytest.mark.parametrize(
    ("path", "secret", "status", "detail"),
    [
        ("/api/handoff/abc", "x", 422, "Requête invalide : vérifiez ticket_id."),
        ("/api/handoff/99999999999999999999999", "x", 404, "Demande introuvable."),
        ("/api/handoff/-1", "x", 404, "Demande introuvable."),
        ("/api/handoff/{ticket}?after=-1", "{secret}", 422, "Requête invalide : vérifiez after."),
        ("/api/handoff/{ticket}?after=99999999999999999999", "{secret}", 422, "Requête invalide : vérifiez after."),
        ("/api/handoff/{ticket}?after=%F0%9F%99%82", "{secret}", 422, "Requête invalide : vérifiez after."),
        ("/api/handoff/{ticket}", "' OR 1=1 --", 404, "Demande introuvable."),
        ("/api/handoff/{ticket}", "<script>alert(1)</script>", 404, "Demande introuvable."),
        ("/api/handoff/{ticket}", "", 404, "Demande introuvable."),
        ("/api/handoff", "x", 404, "Page introuvable."),
    ],
)
def test_a_bad_poll_is_refused_in_french(make_app, ticket, path, secret, status, detail):
    ticket_id, real_secret = ticket
    answer = TestClient(make_app()).get(path.format(ticket=ticket_id),
                                        headers={"X-Handoff-Secret": secret.format(secret=real_secret)})

    assert (answer.status_code, answer.json()) == (status, {"detail": detail})


def test_methods_the_api_does_not_have_are_refused_in_french(make_app):
    answer = TestClient(make_app()).put("/api/ratings", json=RATING)

    assert (answer.status_code, answer.json()) == (405, {"detail": "Méthode non autorisée."})


@pytest.mark.parametrize(
    ("login", "password"),
    [("", ""), ("   ", "   "), ("anne", "x" * 10_000), ("a" * 10_000, PASSWORD), ("anne\u0000", PASSWORD),
     ("' OR 1=1 --", "' OR '1'='1"), ("<script>alert(1)</script>", "🙂🙂🙂"), ("anne", PASSWORD + "\u0000")],
)
def test_odd_credentials_are_simply_wrong(make_app, ticket, login, password):
    client = TestClient(make_app())

    answer = client.post("/conseiller/connexion", data={"login": login, "password": password,
                                                        "csrf_token": csrf(client)})

    assert answer.status_code == 401 and WRONG_LOGIN in answer.text


def test_an_unreadable_login_form_is_refused_without_failing(make_app, ticket):
    client = TestClient(make_app())
    token = csrf(client).encode()

    raw = client.post("/conseiller/connexion", content=b"login=\xff\xfe&password=%FF&csrf_token=" + token,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    as_json = client.post("/conseiller/connexion", json={"login": "anne", "password": PASSWORD})

    assert raw.status_code == 401 and WRONG_LOGIN in raw.text
    assert as_json.status_code == 403 and "Formulaire expiré : rechargez la page et recommencez." in as_json.text
