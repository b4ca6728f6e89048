"""The advisors' console: login, the requests (tickets) by view and département, a request's page, claim,
reply, notes, close, and the per-topic statistics. Who may reply or close is decided by the handoff service."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.feedback.report import topic_report
from assistant.handoff.advisors import authenticate
from assistant.handoff.models import LIVE, WAITING, TicketRow
from assistant.handoff.service import may_close, may_reply
from assistant.handoff.tickets import (
    add_message,
    add_note,
    claim_ticket,
    close_ticket,
    list_tickets,
    record_user_messages,
)
from assistant.web.deps import VIEWS, AdvisorDep, RasaDep, SessionDep, checked_form, render
from assistant.web.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

MAX_TEXT = 4000
NOTICES = {
    "deja-prise": "Cette demande a déjà été prise par un autre conseiller.",
    "pas-en-direct": "Prenez d'abord la demande : seul le conseiller qui la tient peut répondre.",
    "message-vide": f"Le message est vide ou dépasse {MAX_TEXT} caractères.",
    "pas-a-vous": "Cette demande est tenue par un autre conseiller, ou déjà clôturée.",
    "rasa-indisponible": "L'assistant ne répond pas : la demande reste ouverte, réessayez de la clôturer.",
}
RESUMED_TEXT = ("Le conseiller a clôturé l'échange. Je reste à votre disposition pour vos démarches : posez-moi "
                "votre question.")

router = APIRouter(prefix="/conseiller", include_in_schema=False)
form_router = APIRouter(prefix="/conseiller", include_in_schema=False, dependencies=[Depends(checked_form)])


@router.get("/connexion", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html")


@form_router.post("/connexion")
def login(request: Request, session: SessionDep, login: str = Form(""), password: str = Form("")) -> Response:
    plausible = len(login) <= 255 and len(password) <= 1024 and "\x00" not in login + password
    found = authenticate(session=session, login=login, password=password) if plausible else None
    if found is None:
        return render(request, "login.html", status_code=401, error="Identifiant ou mot de passe incorrect.")
    request.session.clear()
    request.session.update(advisor_id=found.id, csrf=secrets.token_urlsafe(32))
    return RedirectResponse("/conseiller", status_code=303)


@form_router.post("/deconnexion")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/conseiller/connexion", status_code=303)


@router.get("", response_class=HTMLResponse)
def ticket_list(request: Request, me: AdvisorDep, session: SessionDep, vue: str = "waiting",
                departement: str = "") -> HTMLResponse:
    view = vue if vue in VIEWS else "waiting"
    departments = [departement.strip().upper()] if departement.strip() else list(me.departments)
    tickets = list_tickets(session=session, view=view, advisor_id=me.id, departments=departments)
    return render(request, "tickets.html", me=me, view=view, tickets=tickets, department=departement.strip())


@router.get("/statistiques", response_class=HTMLResponse)
def statistics(request: Request, me: AdvisorDep, session: SessionDep) -> HTMLResponse:
    return render(request, "statistics.html", me=me, rows=topic_report(session=session))


def held_ticket(ticket_id: int, session: Session) -> TicketRow:
    ticket = session.get(TicketRow, ticket_id)
    if ticket is None:
        raise HTTPException(status_code=404, detail="Demande introuvable.")
    return ticket


def back(ticket_id: int, message: str = "") -> RedirectResponse:
    suffix = f"?message={message}" if message else ""
    return RedirectResponse(f"/conseiller/demandes/{ticket_id}{suffix}", status_code=303)


@router.get("/demandes/{ticket_id}", response_class=HTMLResponse)
async def ticket_page(request: Request, ticket_id: int, me: AdvisorDep, session: SessionDep, rasa: RasaDep,
                      message: str = "") -> HTMLResponse:
    ticket = held_ticket(ticket_id, session)
    warning = await copy_user_messages(ticket, session, rasa)
    session.refresh(ticket)
    return render(request, "ticket.html", me=me, ticket=ticket, warning=warning, notice=NOTICES.get(message))


async def copy_user_messages(ticket: TicketRow, session: Session, rasa: RasaClient) -> str | None:
    """The user's messages since the handoff, from Rasa's tracker; a French warning when Rasa is down."""
    if ticket.status not in (WAITING, LIVE):
        return None
    try:
        messages = await rasa.user_messages_since(ticket.sender_id, ticket.created_at)
    except RasaUnavailable as error:
        return f"Messages de l'usager indisponibles pour l'instant : {error}."
    try:
        record_user_messages(session=session, ticket_id=ticket.id, messages=[(m.timestamp, m.text) for m in messages])
    except IntegrityError:  # another request copied them at the same moment
        session.rollback()
    return None


@form_router.post("/demandes/{ticket_id}/prendre")
def claim(ticket_id: int, me: AdvisorDep, session: SessionDep) -> Response:
    held_ticket(ticket_id, session)
    if not claim_ticket(session=session, ticket_id=ticket_id, advisor_id=me.id):
        return back(ticket_id, "deja-prise")
    return back(ticket_id)


@form_router.post("/demandes/{ticket_id}/repondre")
def reply(ticket_id: int, me: AdvisorDep, session: SessionDep, text: str = Form("")) -> Response:
    ticket = held_ticket(ticket_id, session)
    if not may_reply(ticket, me.id):
        return back(ticket_id, "pas-en-direct")
    if not text.strip() or len(text) > MAX_TEXT:
        return back(ticket_id, "message-vide")
    add_message(session=session, ticket_id=ticket_id, author="advisor", text=text.strip(), advisor_id=me.id)
    return back(ticket_id)


@form_router.post("/demandes/{ticket_id}/note")
def note(ticket_id: int, me: AdvisorDep, session: SessionDep, text: str = Form("")) -> Response:
    held_ticket(ticket_id, session)
    if text.strip() and len(text) <= MAX_TEXT:
        add_note(session=session, ticket_id=ticket_id, advisor_id=me.id, text=text.strip())
    return back(ticket_id)


@form_router.post("/demandes/{ticket_id}/cloturer")
async def close(ticket_id: int, me: AdvisorDep, session: SessionDep, rasa: RasaDep) -> Response:
    """The bot is resumed first: if Rasa is down, the ticket stays open and the advisor can retry."""
    ticket = held_ticket(ticket_id, session)
    if not may_close(ticket, me.id):
        return back(ticket_id, "pas-a-vous")
    if ticket.status in (WAITING, LIVE):
        try:
            await rasa.resume(ticket.sender_id, RESUMED_TEXT)
        except RasaUnavailable:
            logger.exception("Reprise de la conversation %s impossible", ticket.sender_id)
            return back(ticket_id, "rasa-indisponible")
        add_message(session=session, ticket_id=ticket_id, author="system", text=RESUMED_TEXT)
    if not close_ticket(session=session, ticket=ticket):
        return back(ticket_id, "pas-a-vous")  # taken or closed by someone else meanwhile
    return back(ticket_id)
