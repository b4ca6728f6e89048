"""Handoff tickets: created atomically, claimed by exactly one advisor, closed; the user's client reads
its ticket with a secret that cannot be guessed.

Every function takes the session it works in and commits nothing itself except where stated: the
caller decides the transaction, so that "committed before the user is told" is visible at the call.

What the user wrote is stored redacted (assistant/privacy/redaction.py): the summary, their turns of the
transcript, the preferred time and their messages to the advisor. The phone number or e-mail address they
gave to be called back is kept as given, and so is what advisors write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from assistant.handoff.models import (
    CALLBACK,
    CLOSED,
    LIVE,
    WAITING,
    TicketMessageRow,
    TicketNoteRow,
    TicketRow,
    utc_now,
)
from assistant.privacy.redaction import redact

SECRET_BYTES = 32


@dataclass(frozen=True)
class TicketRequest:
    """What the assistant passes on to the advisor, as shown to the user before consent."""

    sender_id: str
    reason: str
    summary: str
    topic: str | None = None
    procedures: Sequence[str] = ()
    commune: str | None = None
    insee: str | None = None
    department: str | None = None
    transcript: Sequence[dict] = ()
    phone: str | None = None
    email: str | None = None
    preferred_time: str | None = None
    structure_id: int | None = None
    structure_name: str | None = None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_ticket(*, session: Session, request: TicketRequest, callback: bool) -> tuple[TicketRow, str]:
    """Insert and commit a ticket; return it with the secret its client will read it with (kept only hashed).

    Waiting for a live advisor, or for a call back when none is available.
    """
    secret = secrets.token_urlsafe(SECRET_BYTES)
    ticket = TicketRow(
        secret_hash=hash_secret(secret), sender_id=request.sender_id, status=CALLBACK if callback else WAITING,
        reason=request.reason, topic=request.topic, procedures=list(request.procedures), commune=request.commune,
        insee=request.insee, department=request.department, summary=redact(request.summary),
        transcript=redact_transcript(request.transcript), phone=request.phone, email=request.email,
        preferred_time=redact(request.preferred_time) if request.preferred_time else None,
        structure_id=request.structure_id, structure_name=request.structure_name,
    )
    session.add(ticket)
    session.commit()
    return ticket, secret


def redact_transcript(transcript: Sequence[dict]) -> list[dict]:
    """[{"author": "user" | "bot", "text": …}] with the user's turns redacted; the bot's are kept as they are
    (the tracker store masked the earlier ones already)."""
    return [{**turn, "text": redact(turn["text"])} if turn.get("author") == "user" and turn.get("text") else dict(turn)
            for turn in transcript]


def ticket_for_client(*, session: Session, ticket_id: int, secret: str) -> TicketRow | None:
    """The ticket, only for the client holding its secret (compared in constant time)."""
    ticket = session.get(TicketRow, ticket_id)
    if ticket is None or not hmac.compare_digest(ticket.secret_hash, hash_secret(secret)):
        return None
    return ticket


def claim_ticket(*, session: Session, ticket_id: int, advisor_id: int) -> bool:
    """Take a ticket nobody holds: a live request becomes live, a callback stays one (the advisor calls).

    One conditional UPDATE: of two advisors claiming at once, the database lets exactly one change the
    row; the other sees 0 rows updated.
    """
    result = session.execute(
        update(TicketRow)
        .where(TicketRow.id == ticket_id, TicketRow.claimed_by.is_(None), TicketRow.status.in_((WAITING, CALLBACK)))
        .values(claimed_by=advisor_id, status=case((TicketRow.status == WAITING, LIVE), else_=TicketRow.status),
                claimed_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def close_ticket(*, session: Session, ticket: TicketRow) -> bool:
    """Close the ticket as it was read (who may close it is `assistant.handoff.service.may_close`): one
    conditional UPDATE, so that a ticket taken or closed by someone else meanwhile is left as it is."""
    holder = TicketRow.claimed_by.is_(None) if ticket.claimed_by is None else TicketRow.claimed_by == ticket.claimed_by
    result = session.execute(
        update(TicketRow)
        .where(TicketRow.id == ticket.id, TicketRow.status == ticket.status, holder)
        .values(status=CLOSED, closed_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def add_message(*, session: Session, ticket_id: int, author: str, text: str,
                advisor_id: int | None = None) -> TicketMessageRow:
    """A message of the exchange; the user's redacted, the advisor's and the system's as written."""
    message = TicketMessageRow(ticket_id=ticket_id, author=author, text=redact(text) if author == "user" else text,
                               advisor_id=advisor_id)
    session.add(message)
    session.commit()
    return message


def record_user_messages(*, session: Session, ticket_id: int, messages: Sequence[tuple[float, str]]) -> int:
    """Copy the user's messages (Rasa timestamp, text) not recorded yet, redacted; return how many were new."""
    known = set(session.execute(select(TicketMessageRow.rasa_timestamp).where(
        TicketMessageRow.ticket_id == ticket_id, TicketMessageRow.rasa_timestamp.is_not(None))).scalars())
    new = [TicketMessageRow(ticket_id=ticket_id, author="user", text=redact(text), rasa_timestamp=timestamp)
           for timestamp, text in messages if timestamp not in known]
    session.add_all(new)
    session.commit()
    return len(new)


def add_note(*, session: Session, ticket_id: int, advisor_id: int, text: str) -> TicketNoteRow:
    note = TicketNoteRow(ticket_id=ticket_id, advisor_id=advisor_id, text=text)
    session.add(note)
    session.commit()
    return note


def messages_after(*, session: Session, ticket_id: int, after_id: int = 0) -> list[TicketMessageRow]:
    return list(session.execute(
        select(TicketMessageRow).where(TicketMessageRow.ticket_id == ticket_id, TicketMessageRow.id > after_id)
        .order_by(TicketMessageRow.id)
    ).scalars())


def open_ticket_of(*, session: Session, sender_id: str) -> TicketRow | None:
    """The conversation's ticket that is not closed yet, if any (its messages go to the advisor)."""
    return session.execute(
        select(TicketRow).where(TicketRow.sender_id == sender_id, TicketRow.status != CLOSED)
        .order_by(TicketRow.id.desc())
    ).scalars().first()


def list_tickets(*, session: Session, view: str, advisor_id: int,
                 departments: Sequence[str] = ()) -> list[TicketRow]:
    """"waiting" (live requests and callbacks nobody took), "mine" (held, open) or "closed"; by département."""
    statement = select(TicketRow)
    if view == "waiting":
        statement = statement.where(TicketRow.claimed_by.is_(None), TicketRow.status.in_((WAITING, CALLBACK)))
    elif view == "mine":
        statement = statement.where(TicketRow.claimed_by == advisor_id, TicketRow.status != CLOSED)
    elif view == "closed":
        statement = statement.where(TicketRow.status == CLOSED)
    else:
        raise ValueError(f"vue inconnue : {view}")
    if departments:
        statement = statement.where(TicketRow.department.in_(list(departments)))
    return list(session.execute(statement.order_by(TicketRow.created_at)).scalars().unique())
