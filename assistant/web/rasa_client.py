"""What the web app asks of the Rasa server, through its HTTP API (token-protected, never public):
the user's messages written while the conversation is with an advisor, and resuming the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer; the message is in French for the advisor."""


@dataclass(frozen=True)
class UserMessage:
    timestamp: float
    text: str


class RasaClient:
    def __init__(self, base_url: str, token: str | None, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport,
                                         params={"token": token} if token else None)

    async def user_messages_since(self, sender_id: str, since: datetime) -> list[UserMessage]:
        """The user's messages after `since` (the ticket's creation), oldest first."""
        data = await self._call("GET", f"/conversations/{sender_id}/tracker")
        start = since.timestamp()
        return [UserMessage(event["timestamp"], event["text"]) for event in data.get("events") or []
                if event.get("event") == "user" and event.get("text") and event.get("timestamp", 0) > start]

    async def resume(self, sender_id: str, text: str) -> None:
        """Hand the conversation back to the bot, telling the user so. The closing `action_listen` makes the
        next message a new turn, as the policies expect after the messages written to the advisor."""
        await self._call("POST", f"/conversations/{sender_id}/tracker/events",
                         json=[{"event": "resume"}, {"event": "bot", "text": text},
                               {"event": "action", "name": "action_listen"}])

    async def close(self) -> None:
        await self._client.aclose()

    async def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = await self._client.request(method, path, **kwargs)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"le serveur Rasa ne répond pas ({error.__class__.__name__})") from error
        return response.json()
