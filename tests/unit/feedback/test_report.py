from __future__ import annotations

from assistant.feedback.models import ANSWER, FALLBACK, RatingRow
from assistant.feedback.report import TopicReport, record_event, record_rating, topic_report
from assistant.handoff.tickets import TicketRequest, create_ticket


def test_the_report_per_topic(session_factory):
    with session_factory() as session:
        for sender, topic, kind in [("a", "demenagement", ANSWER), ("a", "demenagement", FALLBACK),
                                    ("b", "demenagement", ANSWER), ("b", "demenagement", ANSWER),
                                    ("c", "demenagement", ANSWER), ("d", "sante", ANSWER), ("e", None, FALLBACK)]:
            record_event(session=session, sender_id=sender, topic=topic, kind=kind)
        create_ticket(session=session, request=TicketRequest(sender_id="c", reason="asked", summary="…"),
                      callback=True)
        record_rating(session=session, sender_id="a", topic="demenagement", kind="procedures", useful=True,
                      reason=None)
        record_rating(session=session, sender_id="b", topic="demenagement", kind="procedures", useful=False,
                      reason="pas assez précis")

        report = topic_report(session=session)

    assert report == [TopicReport("demenagement", 3, 1 / 3, 1 / 3, 1, 1), TopicReport("sante", 1, 0.0, 0.0, 0, 0)]


def test_the_reason_of_a_rating_is_stored_redacted(session_factory):
    with session_factory() as session:
        rating = record_rating(session=session, sender_id="a", topic="impots", kind="procedures", useful=False,
                               reason="il faut mon numéro fiscal 30 23 217 600 053 ?")
        empty = record_rating(session=session, sender_id="a", topic="impots", kind="procedures", useful=True,
                              reason=None)

    with session_factory() as other:
        assert other.get(RatingRow, rating.id).reason == "il faut mon numéro fiscal [numéro fiscal masqué] ?"
        assert other.get(RatingRow, empty.id).reason is None
