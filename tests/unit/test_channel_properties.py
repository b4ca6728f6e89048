"""The guarded REST channel under arbitrary input (hypothesis) and its rate limit, through Sanic itself.

The blueprint is mounted on a bare Sanic app and called through ASGI, as Rasa mounts it, with a stand-in
for the assistant that records what reaches it and answers « Bonjour ! ».
"""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage
from rasa.server import configure_cors
from sanic import Sanic

from assistant.channel import GuardedRestInput, request_problem
from assistant.ratelimit import RateLimiter, RateLimitSettings, too_many_messages

LIMIT = 2000
CITIZEN, NEIGHBOUR, PROXY = "203.0.113.5", "198.51.100.7", "127.0.0.1"
WEBHOOK = "/webhooks/rest/webhook"
FRENCH_REFUSALS = ("Requête illisible", "Requête invalide", "Requête trop volumineuse", "Message vide",
                   "Message trop long")
NOT_AN_OBJECT = (400, "Requête invalide : le corps doit être un objet JSON avec « sender » et « message ».")
HOSTILE = ["🙂", "👨‍👩‍👧 j'ai perdu ma carte vitale 🇫🇷", "<script>alert('x')</script>", "<img src=x onerror=alert(1)>",
           "'; DROP TABLE events; --", "' OR 1=1 --", "Robert\"); DELETE FROM tickets;--", "\u202eesrever",
           "\u0000", "\ud800", "ｆｕｌｌｗｉｄｔｈ", "", " ", "\t\n\u00a0\u3000"]
UNLIMITED = RateLimitSettings(public="1000000/minute")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(lambda char, count: char * count, st.sampled_from(["x", "é", "🙂", " ", "<b>"]),
              st.integers(min_value=LIMIT - 2, max_value=10_050)),
    st.lists(st.sampled_from(HOSTILE), max_size=4).map(" ".join),
)
fields = st.fixed_dictionaries({}, optional={"sender": st.one_of(texts, json_values),
                                             "message": st.one_of(texts, json_values), "metadata": json_values})
bodies = st.one_of(st.binary(max_size=64), json_values.map(lambda v: json.dumps(v).encode()),
                   fields.map(lambda v: json.dumps(v).encode()),
                   fields.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")))


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch):
    """Sanic rewrites its own code at each app's start-up; in test mode it does so from the original each time,
    so that several apps can start in one process."""
    monkeypatch.setattr(Sanic, "test_mode", True)


def strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def acceptable(data: dict) -> bool:
    """What the channel must let through, said independently of its code."""
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    return (isinstance(sender, str) and bool(sender.strip()) and len(sender) <= 255
            and isinstance(message, str) and bool(message.strip()) and len(message) <= LIMIT
            and (metadata is None or isinstance(metadata, dict))
            and not any(c == "\x00" or "\ud800" <= c <= "\udfff" for text in strings(data) for c in text))


def assert_refused_in_french(problem: tuple[int, str] | None) -> None:
    assert problem is not None
    status, message = problem
    assert status in (400, 413) and message.startswith(FRENCH_REFUSALS)


@given(st.binary(max_size=200))
def test_any_bytes_are_accepted_or_refused_in_french(raw):
    problem = request_problem(raw, LIMIT)

    if problem is not None:
        assert_refused_in_french(problem)


@given(json_values.filter(lambda value: not isinstance(value, dict)))
def test_any_json_value_but_an_object_is_refused(value):
    assert request_problem(json.dumps(value).encode(), LIMIT) == NOT_AN_OBJECT


@given(fields)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_a_request_is_accepted_exactly_when_it_is_valid(data):
    problem = request_problem(json.dumps(data).encode(), LIMIT)

    if acceptable(data):
        assert problem is None
    else:
        assert_refused_in_french(problem)


@given(st.sampled_from(["x", "é", "<b>"]), st.integers(min_value=LIMIT + 1, max_value=12_000))
def test_a_long_message_is_refused_with_the_limit(char, length):
    problem = request_problem(json.dumps({"sender": "marie", "message": (char * length)[:length]}).encode(), LIMIT)

    assert problem == (413, "Message trop long : 2000 caractères au plus. Résumez votre question.")


def test_what_no_database_can_store_and_what_no_parser_can_read_is_refused():
    nul = json.dumps({"sender": "marie", "message": "bonjour\u0000"}).encode()
    lone_surrogate = b'{"sender": "marie", "message": "bonjour", "metadata": {"note": "\\ud800"}}'
    nested = b"[" * 30_000 + b"]" * 30_000  # deeper than Python can recurse, smaller than the body limit

    assert request_problem(nul, LIMIT) == (400, "Requête invalide : le texte contient des caractères non autorisés.")
    assert request_problem(lone_surrogate, LIMIT) == request_problem(nul, LIMIT)
    assert request_problem(nested, LIMIT) == (400, "Requête illisible : le corps doit être un objet JSON.")
    assert request_problem(b" " * 200_000, LIMIT) == (413, "Requête trop volumineuse : envoyez un message plus court.")


class Assistant:
    """Stands for Rasa behind the channel: records the messages that reach it (as Rasa's UserMessage has them,
    stripped) and says « Bonjour ! »."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append((message.sender_id, message.text))
        await message.output_channel.send_text_message(message.sender_id, "Bonjour !")


class NoTrackers:
    async def retrieve(self, sender: str) -> None:
        return None


async def channel_app(settings: RateLimitSettings, cors_origins: list[str] | None = None) -> tuple[Sanic, Assistant]:
    assistant = Assistant()
    app = Sanic(f"guichet-test-{uuid.uuid4().hex}")
    if cors_origins:
        configure_cors(app, cors_origins)  # what `rasa run --cors` does
    app.ctx.agent = type("Agent", (), {"tracker_store": NoTrackers()})()
    limiter = RateLimiter(RateLimitSettings(**{**settings.__dict__, "key_prefix": f"test-{uuid.uuid4().hex}"}))
    app.blueprint(GuardedRestInput(limiter).blueprint(assistant), url_prefix="/webhooks/rest")
    await app._startup()  # what `rasa run` does before serving: routes and signals finalised,
    await app._server_event("init", "before", loop=asyncio.get_running_loop())  # listeners: Sanic-CORS hooks in
    return app, assistant


def client(app: Sanic, address: str = CITIZEN, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://guichet.test", headers=headers)


async def exchange(raw_bodies: list[bytes]) -> tuple[list[httpx.Response], Assistant]:
    app, assistant = await channel_app(UNLIMITED)
    async with client(app) as browser:
        answers = [await browser.post(WEBHOOK, content=raw, headers={"Content-Type": "application/json"})
                   for raw in raw_bodies]
    return answers, assistant


@given(st.lists(bodies, min_size=1, max_size=6))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_channel_answers_any_body_with_the_assistant_or_a_french_refusal(raw_bodies):
    answers, assistant = asyncio.run(exchange(raw_bodies))

    reached = []
    for raw, answer in zip(raw_bodies, answers, strict=True):
        problem = request_problem(raw, LIMIT)
        if problem is None:
            data = json.loads(raw)
            assert answer.status_code == 200
            assert answer.json() == [{"recipient_id": data["sender"], "text": "Bonjour !"}]
            reached.append((data["sender"], data["message"].strip()))  # Rasa's UserMessage strips the text
        else:
            assert (answer.status_code, answer.json()) == (problem[0], {"error": problem[1]})
    assert assistant.received == reached


async def test_hostile_but_valid_text_reaches_the_assistant_unchanged():
    app, assistant = await channel_app(UNLIMITED)
    valid = [text for text in HOSTILE if text.strip() and "\x00" not in text and text != "\ud800"]
    async with client(app) as browser:
        answers = [await browser.post(WEBHOOK, json={"sender": "marie", "message": text}) for text in valid]
        long = await browser.post(WEBHOOK, json={"sender": "marie", "message": "x" * 10_000})
        unreadable = await browser.post(WEBHOOK, content=b'{"sender": "marie", "message": "\xff\xfe"}')
        blank = await browser.post(WEBHOOK, json={"sender": "marie", "message": " \n\t "})

    assert [answer.status_code for answer in answers] == [200] * len(valid)
    assert assistant.received == [("marie", text.strip()) for text in valid]
    assert (long.status_code, long.json()) == (413, {"error": "Message trop long : 2000 caractères au plus. "
                                                              "Résumez votre question."})
    assert (unreadable.status_code, unreadable.json()) == (
        400, {"error": "Requête illisible : le corps doit être du JSON encodé en UTF-8."})
    assert (blank.status_code, blank.json()) == (400, {"error": "Message vide : écrivez votre question."})


async def test_the_61st_message_of_the_minute_gets_a_429_in_french_and_a_neighbour_goes_on():
    app, assistant = await channel_app(RateLimitSettings(public="60/minute"))
    async with client(app) as browser, client(app, NEIGHBOUR) as neighbour:
        accepted = [await browser.post(WEBHOOK, json={"sender": "marie", "message": f"question {n}"})
                    for n in range(60)]
        refused = await browser.post(WEBHOOK, json={"sender": "marie", "message": "encore une"})
        other = await neighbour.post(WEBHOOK, json={"sender": "paul", "message": "bonjour"})

    assert [answer.status_code for answer in accepted] == [200] * 60
    wait = int(refused.headers["Retry-After"])
    assert refused.status_code == 429 and 1 <= wait <= 60
    assert refused.json() == {"error": f"Trop de messages en peu de temps : réessayez dans {wait} secondes."}
    assert refused.json()["error"] == too_many_messages(wait)
    assert other.status_code == 200
    assert len(assistant.received) == 61 and ("marie", "encore une") not in assistant.received


async def test_bad_requests_count_too_and_are_refused_before_being_read():
    app, assistant = await channel_app(RateLimitSettings(public="2/minute"))
    async with client(app) as browser:
        statuses = [(await browser.post(WEBHOOK, content=raw)).status_code for raw in (b"{", b"\xff", b"{}")]

    assert statuses == [400, 400, 429]
    assert assistant.received == []


async def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy():
    app, _ = await channel_app(RateLimitSettings(public="1/minute", trusted_proxies=(PROXY,)))
    body = {"sender": "marie", "message": "bonjour"}
    async with client(app, PROXY) as proxy, client(app, NEIGHBOUR) as direct:
        through_proxy = [(await proxy.post(WEBHOOK, json=body, headers={"X-Forwarded-For": forwarded})).status_code
                         for forwarded in (CITIZEN, CITIZEN, f"192.0.2.1, {CITIZEN}", "192.0.2.2")]
        forged = [(await direct.post(WEBHOOK, json=body, headers={"X-Forwarded-For": forwarded})).status_code
                  for forwarded in ("192.0.2.3", "192.0.2.4")]

    assert through_proxy == [200, 429, 429, 200]
    assert forged == [200, 429]  # from an untrusted peer the header changes nothing


async def test_the_refusal_reaches_the_page_embedding_the_widget():
    site = "https://www.mairie-coulommiers.fr"
    app, _ = await channel_app(RateLimitSettings(public="1/minute"), cors_origins=[site])
    async with client(app, Origin=site) as browser:
        await browser.post(WEBHOOK, json={"sender": "marie", "message": "bonjour"})
        refused = await browser.post(WEBHOOK, json={"sender": "marie", "message": "encore"})

    assert refused.status_code == 429 and refused.headers["access-control-allow-origin"] == site
    assert refused.json()["error"].startswith("Trop de messages en peu de temps : réessayez dans ")
