"""Concurrent claims against PostgreSQL: the database, not the application, decides who wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from assistant.db import create_database_engine, create_session_factory
from assistant.handoff.advisors import add_advisor
from assistant.handoff.models import TicketRow
from assistant.handoff.tickets import TicketRequest, claim_ticket, create_ticket
from assistant.migrations import upgrade_database

pytestmark = pytest.mark.postgres
ADVISORS = 8
TICKETS = 10


def test_concurrent_claims_have_exactly_one_winner(postgres_url):
    engine = create_database_engine(postgres_url)
    upgrade_database(engine)
    sessions = create_session_factory(engine)
    with sessions() as session:
        advisors = [add_advisor(session=session, login=f"c{n}", name=f"C {n}", password="mot de passe long").id
                    for n in range(ADVISORS)]
        tickets = [create_ticket(session=session, request=TicketRequest(sender_id=f"s{n}", reason="asked",
                                                                         summary="…"), callback=False)[0].id
                   for n in range(TICKETS)]

    def claim(ticket_id: int, advisor_id: int, barrier: Barrier) -> bool:
        with sessions() as session:
            barrier.wait()
            return claim_ticket(session=session, ticket_id=ticket_id, advisor_id=advisor_id)

    with ThreadPoolExecutor(max_workers=ADVISORS) as pool:
        for ticket_id in tickets:
            barrier = Barrier(ADVISORS)
            results = list(pool.map(claim, [ticket_id] * ADVISORS, advisors, [barrier] * ADVISORS))
            assert results.count(True) == 1, results
            with sessions() as session:
                assert session.get(TicketRow, ticket_id).claimed_by == advisors[results.index(True)]
    engine.dispose()
