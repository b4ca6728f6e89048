"""A conversation spread over two Rasa replicas keeps its state; one conversation's turns never interleave."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from assistant.db import create_database_engine, create_session_factory
from assistant.handoff.models import TicketRow
from tests.e2e.cluster.conftest import RunningCluster
from tests.e2e.test_handoff import Console, add_advisor
from tests.e2e.test_rest_channel import the_payload

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def user_texts(tracker: dict) -> list[str]:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_slots_and_form_progress_follow_the_conversation_from_one_replica_to_the_other(
        running_cluster: RunningCluster, sender):
    asked = the_payload(running_cluster.send(sender, "où est la france services la plus proche ?", replica=0))
    assert asked == {"type": "structures", "location": None, "structures": []}
    assert running_cluster.tracker(sender, replica=1)["active_loop"]["name"] == "structure_form"

    found = the_payload(running_cluster.send(sender, "Coulommiers", replica=1))
    assert found["location"]["insee"] == "77131" and found["structures"]
    tracker = running_cluster.tracker(sender, replica=0)
    assert tracker["slots"]["place"] and tracker["active_loop"] == {}

    procedures = the_payload(running_cluster.send(sender, "j'ai perdu ma carte vitale", replica=0))
    assert (procedures["type"], procedures["topic"]) == ("procedures", "sante")


def test_the_handoff_pause_holds_on_every_replica(running_cluster: RunningCluster, sender):
    Console(running_cluster, add_advisor(running_cluster, ["77"]))  # logged in through nginx: online
    running_cluster.send(sender, "j'ai perdu ma carte vitale", replica=1)
    offer = the_payload(running_cluster.send(sender, "je veux parler à un conseiller", replica=0))
    assert (offer["status"], offer["context"]["topic"]) == ("offered", "sante")
    waiting = the_payload(running_cluster.send(sender, "oui", replica=1))
    assert waiting["status"] == "waiting"

    assert running_cluster.send(sender, "vous êtes là ?", replica=0) == []
    assert running_cluster.send(sender, "allô ?", replica=1) == []
    for replica in (0, 1):
        tracker = running_cluster.tracker(sender, replica)
        assert tracker["paused"] is True and user_texts(tracker)[-2:] == ["vous êtes là ?", "allô ?"]
    engine = create_database_engine(running_cluster.layout.database_url)
    with create_session_factory(engine)() as session:
        ticket = session.execute(select(TicketRow).where(TicketRow.id == int(waiting["ticket"]))).scalars().one()
    engine.dispose()
    assert (ticket.sender_id, ticket.status) == (sender, "waiting")


def test_concurrent_messages_of_one_conversation_are_processed_one_at_a_time_in_order(
        running_cluster: RunningCluster, sender):
    """Twelve messages a quarter of a second apart, alternately to each replica, each arriving while earlier
    ones are still queued: the Redis lock store makes each replica wait its turn, so every message is
    answered and the tracker holds each turn whole, in sending order. (The spacing only keeps the order of
    arrival certain: a replica reads a request late while it runs the classifier.)"""
    messages = [f"{word} {index}" for index, word in
                enumerate(["bonjour", "carte grise", "merci", "impôts", "retraite", "au revoir"] * 2)]
    replies: dict[int, list[dict]] = {}

    def send(index: int) -> None:
        replies[index] = running_cluster.send(sender, messages[index], replica=index % 2)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(messages))]
    for thread in threads:
        thread.start()
        time.sleep(0.25)
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(replies) == list(range(len(messages)))
    assert all(replies[index] for index in replies), replies
    events = running_cluster.tracker(sender)["events"]
    assert user_texts({"events": events}) == messages
    # Whole turns: after each user message, the bot acts until it listens again, before the next message.
    turn_ends = [index for index, event in enumerate(events)
                 if event["event"] == "action" and event.get("name") == "action_listen"]
    user_positions = [index for index, event in enumerate(events) if event["event"] == "user"]
    for position, next_position in zip(user_positions, [*user_positions[1:], len(events)], strict=True):
        between = events[position + 1:next_position]
        assert any(event["event"] == "bot" for event in between), between
        assert any(position < end < next_position for end in turn_ends)
