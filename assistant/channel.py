"""The public REST channel, guarded: Rasa's own answers 500 or passes on whatever a client sends.

Same address and contract as Rasa's `rest` channel (`POST /webhooks/rest/webhook`), but a request is
checked before it reaches the assistant: a JSON object, a `sender` and a non-empty `message` that are
strings, a message no longer than `GUICHET_MAX_MESSAGE_LENGTH` characters (2,000 by default), an object
as `metadata`, text that can be stored (no NUL character, no lone surrogate). Anything else gets a 400
(413 for a long message or body) with a French explanation. Before that, each client (see
`assistant.ratelimit`) has a budget of messages (`GUICHET_RATE_LIMIT`, 30 a minute by default): past it, a 429
with `Retry-After` and a French message.
A turn that fails inside Rasa (action server down, lock store or tracker store unreachable) would end
in silence: the user gets a French apology instead, unless an advisor has the conversation (paused).
Registered in credentials.yml as `assistant.channel.GuardedRestInput`.
"""

from __future__ import annotations

import json
import os
from typing import Any

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant import rasa_speedups
from assistant.answers import APOLOGY
from assistant.ratelimit import PUBLIC, RateLimiter, RateLimitError, RateLimitSettings, too_many_messages
from assistant.text import storable

DEFAULT_MAX_MESSAGE_LENGTH = 2000

rasa_speedups.install()  # Rasa imports this module (credentials.yml) in every replica, before any turn


def max_message_length() -> int:
    """`GUICHET_MAX_MESSAGE_LENGTH`, checked: a wrong setting stops Rasa at start with a French message."""
    text = (os.environ.get("GUICHET_MAX_MESSAGE_LENGTH") or str(DEFAULT_MAX_MESSAGE_LENGTH)).strip()
    if not text.isdigit() or int(text) < 1:
        raise SystemExit(f"GUICHET_MAX_MESSAGE_LENGTH invalide « {text} » : un nombre de caractères, par exemple "
                         f"{DEFAULT_MAX_MESSAGE_LENGTH}.")
    return int(text)


def max_body_size(limit: int) -> int:
    """The largest body worth parsing: a message of `limit` characters, each escaped as a surrogate pair
    (12 bytes), plus room for the sender and metadata."""
    return 12 * limit + 65536


def unstorable_text(data: Any) -> bool:
    """Whether a JSON value holds a string no database takes (assistant.text.storable), keys included;
    walked without recursion, since the body can nest deeply."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and not storable(value):
            return True
    return False


def request_problem(body: bytes, limit: int) -> tuple[int, str] | None:
    """What is wrong with a request body, as (HTTP status, French message); None when it is acceptable."""
    if len(body) > max_body_size(limit):
        return 413, "Requête trop volumineuse : envoyez un message plus court."
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return 400, "Requête illisible : le corps doit être du JSON encodé en UTF-8."
    except (json.JSONDecodeError, RecursionError):  # RecursionError: thousands of nested brackets
        return 400, "Requête illisible : le corps doit être un objet JSON."
    if not isinstance(data, dict):
        return 400, "Requête invalide : le corps doit être un objet JSON avec « sender » et « message »."
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > 255:
        return 400, "Requête invalide : « sender » doit être un identifiant (texte de 1 à 255 caractères)."
    if not isinstance(message, str):
        return 400, "Requête invalide : « message » doit être un texte."
    if not message.strip():
        return 400, "Message vide : écrivez votre question."
    if len(message) > limit:
        return 413, f"Message trop long : {limit} caractères au plus. Résumez votre question."
    if metadata is not None and not isinstance(metadata, dict):
        return 400, "Requête invalide : « metadata » doit être un objet JSON."
    if unstorable_text(data):
        return 400, "Requête invalide : le texte contient des caractères non autorisés."
    return None


class GuardedRestInput(RestInput):
    """Rasa's REST channel behind the checks above, a rate limit per client and the apology for silence."""

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        """`limiter` for tests; Rasa builds the channel without arguments, from the environment's settings."""
        super().__init__()
        self.limiter = limiter

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        limit = max_message_length()
        try:
            limiter = self.limiter or RateLimiter(RateLimitSettings.from_environment())
        except RateLimitError as error:  # as the web app does: the setting is named, no traceback
            raise SystemExit(str(error)) from None

        @blueprint.middleware("request")
        async def refuse_bad_requests(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            client = limiter.client(request.ip, request.headers.getall("x-forwarded-for", []))
            wait = limiter.hit(PUBLIC, "rest", client)
            if wait is not None:
                return response.json({"error": too_many_messages(wait)}, status=429, headers={"Retry-After": str(wait)})
            problem = request_problem(request.body or b"", limit)
            if problem is None:
                return None
            status, message = problem
            return response.json({"error": message}, status=status)

        @blueprint.middleware("response")
        async def apologise_for_silence(request: Request, answer: HTTPResponse) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook") or answer.status != 200:
                return None
            apology = await apology_for_silence(answer.body or b"", request.json["sender"], request.app.ctx.agent)
            return None if apology is None else response.json(apology)

        return blueprint


async def apology_for_silence(answer: bytes, sender: str, agent: Any) -> list[dict] | None:
    """The messages to send instead of Rasa's answer, or None to keep it.

    Only an empty answer to a conversation that is not paused is replaced: when an advisor holds the
    conversation, Rasa rightly says nothing. A tracker store that cannot be read counts as not paused: the
    user is better told that something failed.
    """
    if answer.strip() != b"[]":
        return None
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception:  # noqa: BLE001 - whatever made the store fail made the turn fail too
        tracker = None
    if tracker is not None and tracker.is_paused():
        return None
    return [{"recipient_id": sender, "text": APOLOGY}]
