"""Recording conversation events and ratings, and the per-topic report of the advisors' console."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.feedback.models import ANSWER, FALLBACK, ConversationEventRow, RatingRow
from assistant.handoff.models import TicketRow
from assistant.privacy.redaction import redact

logger = logging.getLogger(__name__)


def record_event(*, session: Session, sender_id: str, topic: str | None, kind: str) -> None:
    session.add(ConversationEventRow(sender_id=sender_id, topic=topic, kind=kind))
    session.commit()


class EventRecorder:
    """Conversation events for the console's per-topic report, written by the action server; a failure is
    logged and never stops the answer."""

    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def answered(self, sender_id: str, topic: str | None) -> None:
        self._record(sender_id, topic, ANSWER)

    def not_understood(self, sender_id: str, topic: str | None) -> None:
        self._record(sender_id, topic, FALLBACK)

    def _record(self, sender_id: str, topic: str | None, kind: str) -> None:
        try:
            with self._sessions() as session:
                record_event(session=session, sender_id=sender_id, topic=topic, kind=kind)
        except SQLAlchemyError:
            logger.exception("Événement de conversation non enregistré (%s, %s)", topic, kind)


def record_rating(*, session: Session, sender_id: str, topic: str | None, kind: str, useful: bool,
                  reason: str | None) -> RatingRow:
    """The reason is free text from the user: stored redacted."""
    rating = RatingRow(sender_id=sender_id, topic=topic, kind=kind, useful=useful,
                       reason=redact(reason) if reason else reason)
    session.add(rating)
    session.commit()
    return rating


@dataclass(frozen=True)
class TopicReport:
    topic: str
    conversations: int
    fallback_rate: float
    handoff_rate: float
    useful: int
    not_useful: int


def topic_report(*, session: Session) -> list[TopicReport]:
    """Per topic: conversations that got an answer in it, the share of them with a message not understood,
    the share handed off to an advisor, and the ratings; busiest topics first."""
    answered: dict[str, set[str]] = defaultdict(set)
    for sender, topic in session.execute(select(ConversationEventRow.sender_id, ConversationEventRow.topic)
                                         .where(ConversationEventRow.kind == ANSWER)):
        answered[topic].add(sender)
    misunderstood = set(session.execute(select(distinct(ConversationEventRow.sender_id))
                                        .where(ConversationEventRow.kind == FALLBACK)).scalars())
    handed_off = set(session.execute(select(distinct(TicketRow.sender_id))).scalars())
    ratings: dict[str | None, dict[bool, int]] = {}
    for topic, useful, count in session.execute(select(RatingRow.topic, RatingRow.useful, func.count())
                                                .group_by(RatingRow.topic, RatingRow.useful)):
        ratings.setdefault(topic, {})[useful] = count
    report = [
        TopicReport(topic=topic, conversations=len(senders),
                    fallback_rate=len(senders & misunderstood) / len(senders),
                    handoff_rate=len(senders & handed_off) / len(senders),
                    useful=ratings.get(topic, {}).get(True, 0), not_useful=ratings.get(topic, {}).get(False, 0))
        for topic, senders in answered.items()
    ]
    return sorted(report, key=lambda row: (-row.conversations, row.topic))
