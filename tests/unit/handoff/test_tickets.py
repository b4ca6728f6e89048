from __future__ import annotations

import pytest

from assistant.handoff.advisors import add_advisor
from assistant.handoff.models import CALLBACK, CLOSED, LIVE, WAITING, TicketRow
from assistant.handoff.service import may_close, may_reply
from assistant.handoff.tickets import (
    TicketRequest,
    add_message,
    add_note,
    claim_ticket,
    close_ticket,
    create_ticket,
    list_tickets,
    messages_after,
    open_ticket_of,
    record_user_messages,
    ticket_for_client,
)
from assistant.privacy.redaction import EMAIL_PLACEHOLDER, IBAN_PLACEHOLDER, NIR_PLACEHOLDER, PHONE_PLACEHOLDER


def request(sender: str = "marie", department: str | None = "77") -> TicketRequest:
    return TicketRequest(sender_id=sender, reason="asked", summary="Déménagement : CAF et impôts.",
                         topic="demenagement", procedures=["caf-changement-adresse"], commune="Coulommiers",
                         insee="77131", department=department,
                         transcript=[{"author": "user", "text": "je déménage"}])


@pytest.fixture
def advisors(session_factory):
    with session_factory() as session:
        return [add_advisor(session=session, login=f"conseiller{n}", name=f"Conseiller {n}",
                            password="un mot de passe solide") for n in (1, 2)]


def test_a_ticket_is_committed_and_read_back_only_with_its_secret(session_factory):
    with session_factory() as session:
        ticket, secret = create_ticket(session=session, request=request(), callback=False)

    with session_factory() as other:
        stored = ticket_for_client(session=other, ticket_id=ticket.id, secret=secret)
        assert stored is not None and stored.status == WAITING and stored.commune == "Coulommiers"
        assert stored.transcript == [{"author": "user", "text": "je déménage"}]
        assert ticket_for_client(session=other, ticket_id=ticket.id, secret=secret[:-1] + "x") is None
        assert secret not in stored.secret_hash and len(secret) >= 40


def test_exactly_one_advisor_claims_a_ticket(session_factory, advisors):
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, request=request(), callback=False)
        first = claim_ticket(session=session, ticket_id=ticket.id, advisor_id=advisors[0].id)
        second = claim_ticket(session=session, ticket_id=ticket.id, advisor_id=advisors[1].id)
        stored = session.get(TicketRow, ticket.id)
        session.refresh(stored)

    assert (first, second) == (True, False)
    assert stored.status == LIVE and stored.claimed_by == advisors[0].id


def test_a_claimed_callback_stays_a_callback(session_factory, advisors):
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, request=request(), callback=True)
        assert claim_ticket(session=session, ticket_id=ticket.id, advisor_id=advisors[0].id)
        session.refresh(ticket)
        assert ticket.status == CALLBACK and ticket.claimed_by == advisors[0].id


def test_only_the_holder_may_close_and_a_closed_ticket_is_not_open(session_factory, advisors):
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, request=request(), callback=False)
        claim_ticket(session=session, ticket_id=ticket.id, advisor_id=advisors[0].id)
        session.refresh(ticket)

        assert not may_close(ticket, advisors[1].id) and may_close(ticket, advisors[0].id)
        assert open_ticket_of(session=session, sender_id="marie").id == ticket.id
        assert close_ticket(session=session, ticket=ticket)
        assert open_ticket_of(session=session, sender_id="marie") is None
        session.refresh(ticket)
        assert ticket.status == CLOSED and ticket.closed_at is not None
        assert not may_close(ticket, advisors[0].id)


def test_a_ticket_taken_meanwhile_is_not_closed(session_factory, advisors):
    """The callback nobody held when the page was read was taken since: the close leaves it as it is."""
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, request=request(), callback=True)
    with session_factory() as page:  # the advisor's page, read before the other advisor took the ticket
        as_read = page.get(TicketRow, ticket.id)
        assert may_close(as_read, advisors[1].id)
        with session_factory() as other:
            claim_ticket(session=other, ticket_id=ticket.id, advisor_id=advisors[0].id)

        assert not close_ticket(session=page, ticket=as_read)
    with session_factory() as session:
        now = session.get(TicketRow, ticket.id)
        assert now.status == CALLBACK and now.claimed_by == advisors[0].id


def test_only_the_holder_of_a_live_ticket_may_reply(session_factory, advisors):
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, request=request(), callback=False)
        assert not may_reply(ticket, advisors[0].id)  # waiting: nobody holds it
        claim_ticket(session=session, ticket_id=ticket.id, advisor_id=advisors[0].id)
        session.refresh(ticket)

        assert may_reply(ticket, advisors[0].id) and not may_reply(ticket, advisors[1].id)


def test_messages_and_notes(session_factory, advisors):
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, request=request(), callback=False)
        first = add_message(session=session, ticket_id=ticket.id, author="user", text="bonjour ?")
        add_message(session=session, ticket_id=ticket.id, author="advisor", text="Bonjour, je suis là.",
                    advisor_id=advisors[0].id)
        add_note(session=session, ticket_id=ticket.id, advisor_id=advisors[0].id, text="rappeler mardi")

        assert [m.text for m in messages_after(session=session, ticket_id=ticket.id, after_id=first.id)] == [
            "Bonjour, je suis là."]
        session.refresh(ticket)
        assert [n.text for n in ticket.notes] == ["rappeler mardi"]


def test_what_the_user_wrote_is_stored_redacted_the_callback_contact_and_the_advisor_as_given(
        session_factory, advisors):
    with session_factory() as session:
        ticket, _ = create_ticket(session=session, callback=True, request=TicketRequest(
            sender_id="marie", reason="asked", summary="« mon NIR 1 85 05 78 006 084 91, et ma CAF ? »",
            transcript=[{"author": "user", "text": "écrivez à marie@exemple.fr"},
                        {"author": "bot", "text": "Voici les démarches."}],
            phone="+33 6 12 34 56 78", email="marie@exemple.fr", preferred_time="le matin au 06 12 34 56 78"))
        add_message(session=session, ticket_id=ticket.id, author="user", text="IBAN FR76 3000 6000 0112 3456 7890 189")
        add_message(session=session, ticket_id=ticket.id, author="advisor", text="Je vous appelle au 06 12 34 56 78.",
                    advisor_id=advisors[0].id)
        record_user_messages(session=session, ticket_id=ticket.id, messages=[(1.5, "mon fixe : 01 64 03 88 00")])

    with session_factory() as other:
        stored = other.get(TicketRow, ticket.id)
        assert stored.summary == f"« mon NIR {NIR_PLACEHOLDER}, et ma CAF ? »"
        assert stored.transcript == [{"author": "user", "text": f"écrivez à {EMAIL_PLACEHOLDER}"},
                                     {"author": "bot", "text": "Voici les démarches."}]
        assert (stored.phone, stored.email) == ("+33 6 12 34 56 78", "marie@exemple.fr")
        assert stored.preferred_time == f"le matin au {PHONE_PLACEHOLDER}"
        assert [(m.author, m.text) for m in stored.messages] == [
            ("user", f"IBAN {IBAN_PLACEHOLDER}"), ("advisor", "Je vous appelle au 06 12 34 56 78."),
            ("user", f"mon fixe : {PHONE_PLACEHOLDER}")]


def test_the_console_views_filter_by_state_and_department(session_factory, advisors):
    me = advisors[0].id
    with session_factory() as session:
        mine, _ = create_ticket(session=session, request=request("a", "77"), callback=False)
        waiting, _ = create_ticket(session=session, request=request("b", "77"), callback=True)
        elsewhere, _ = create_ticket(session=session, request=request("c", "88"), callback=False)
        closed, _ = create_ticket(session=session, request=request("d", "77"), callback=False)
        claim_ticket(session=session, ticket_id=mine.id, advisor_id=me)
        claim_ticket(session=session, ticket_id=closed.id, advisor_id=me)
        session.refresh(closed)
        close_ticket(session=session, ticket=closed)

        def ids(view, departments=()):
            return [t.id for t in list_tickets(session=session, view=view, advisor_id=me, departments=departments)]

        assert ids("waiting") == [waiting.id, elsewhere.id]
        assert ids("waiting", ["77"]) == [waiting.id]
        assert ids("mine") == [mine.id]
        assert ids("closed") == [closed.id]
        with pytest.raises(ValueError, match="vue inconnue"):
            ids("all")
