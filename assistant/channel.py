"""The public REST channel, guarded: Rasa's own answers 500 or passes on whatever a client sends.

Same address and contract as Rasa's `rest` channel (`POST /webhooks/rest/webhook`), but a request is
checked before it reaches the assistant: a JSON object, a `sender` and a non-empty `message` that are
strings, a message no longer than `GUICHET_MAX_MESSAGE_LENGTH` characters (2,000 by default), an object
as `metadata`. Anything else gets a 400 (413 for a long message) with a French explanation.
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

DEFAULT_MAX_MESSAGE_LENGTH = 2000


def max_message_length() -> int:
    return int(os.environ.get("GUICHET_MAX_MESSAGE_LENGTH") or DEFAULT_MAX_MESSAGE_LENGTH)


def request_problem(body: bytes, limit: int) -> tuple[int, str] | None:
    """What is wrong with a request body, as (HTTP status, French message); None when it is acceptable."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return 400, "Requête illisible : le corps doit être du JSON encodé en UTF-8."
    except json.JSONDecodeError:
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
    return None


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        limit = max_message_length()

        @blueprint.middleware("request")
        async def refuse_bad_requests(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            problem = request_problem(request.body or b"", limit)
            if problem is None:
                return None
            status, message = problem
            return response.json({"error": message}, status=status)

        return blueprint
