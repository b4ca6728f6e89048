"""Public routes: health, the demonstration page, ratings from the widget, and the handoff polling."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from assistant.config import PROJECT_ROOT
from assistant.feedback.report import record_rating
from assistant.handoff.tickets import messages_after, ticket_for_client
from assistant.web.deps import SessionDep
from assistant.web.schemas import (
    INVALID,
    LARGEST_ID,
    LARGEST_MESSAGE_ID,
    LIMITED,
    UNREADABLE,
    HandoffOut,
    Problem,
    RatingIn,
    RatingOut,
)

WEB_ASSETS = PROJECT_ROOT / "web"
DEMO = Jinja2Templates(directory=str(Path(WEB_ASSETS / "demo")))

router = APIRouter()


@router.get("/health", include_in_schema=False)
def health() -> dict:
    return {"status": "ok"}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def demo(request: Request) -> HTMLResponse:
    """A demonstration page embedding the widget, as a mairie's site would."""
    return DEMO.TemplateResponse(request, "index.html", {"rasa_url": request.app.state.public_rasa_url})


@router.post("/api/ratings", status_code=201, summary="Enregistre l'avis d'un usager sur une réponse",
             response_model=RatingOut, responses={**UNREADABLE, **INVALID, **LIMITED})
def rate(rating: RatingIn, session: SessionDep) -> dict:
    row = record_rating(session=session, sender_id=rating.sender, topic=rating.topic, kind=rating.kind,
                        useful=rating.useful, reason=rating.reason or None)
    return {"id": row.id}


@router.get("/api/handoff/{ticket_id}", summary="L'état d'une demande et les messages du conseiller",
            response_model=HandoffOut,
            responses={404: {"model": Problem, "description": "Demande inconnue, ou secret faux"},
                       **INVALID, **LIMITED})
def client_messages(ticket_id: int, session: SessionDep,
                    after: int = Query(0, ge=0, le=LARGEST_MESSAGE_ID,
                                       description="Identifiant du dernier message reçu"),
                    x_handoff_secret: str = Header("", alias="X-Handoff-Secret",
                                                   description="Le secret reçu avec le numéro de demande")) -> dict:
    """For the user's client, with the secret received in the `handoff` payload (header `X-Handoff-Secret`).
    Advisor messages come as plain text messages, like the bot's."""
    in_range = 0 < ticket_id <= LARGEST_ID
    ticket = ticket_for_client(session=session, ticket_id=ticket_id, secret=x_handoff_secret) if in_range else None
    if ticket is None:
        raise HTTPException(status_code=404, detail="Demande introuvable.")
    messages = [m for m in messages_after(session=session, ticket_id=ticket_id, after_id=after) if m.author != "user"]
    return {"ticket": str(ticket.id), "status": ticket.status,
            "messages": [{"id": m.id, "recipient_id": ticket.sender_id, "text": m.text} for m in messages]}
