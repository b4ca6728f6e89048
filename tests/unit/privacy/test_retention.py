from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from assistant.privacy.retention import (
    PurgeReport,
    RetentionError,
    open_tracker_database,
    parse_retention,
    purge,
    purge_conversations,
)
from tests.unit.privacy import retention_scenario


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("1d", 1), (" 365 D ", 365), ("30j", 30)])
def test_a_retention_is_a_number_of_days(text, days):
    assert parse_retention(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["90", "3m", "12w", "-5d", "0d", "d", "90 jours", ""])
def test_anything_else_is_refused_in_french(text):
    with pytest.raises(RetentionError, match=f"^durée invalide « {text} » : "):
        parse_retention(text)


def test_the_purge_reports_what_it_deleted_and_a_second_run_finds_nothing(tmp_path, session_factory):
    tracker_url = f"sqlite:///{tmp_path / 'rasa-tracker.db'}"
    retention_scenario.populate_tracker(tracker_url)
    retention_scenario.populate_database(session_factory)
    before = retention_scenario.days_ago(90)
    tracker = open_tracker_database(tracker_url)

    with session_factory() as session:
        first = purge(session=session, tracker=tracker, before=before)
    with session_factory() as session:
        second = purge(session=session, tracker=tracker, before=before)
    tracker.dispose()

    assert first == PurgeReport(before=before, conversations=2, tracker_events=3, tickets=1, events=3, ratings=1)
    assert second == PurgeReport(before=before, conversations=0, tracker_events=0, tickets=0, events=0, ratings=0)


def test_without_a_tracker_store_the_database_is_still_purged(tmp_path, session_factory):
    retention_scenario.populate_database(session_factory)

    assert open_tracker_database(f"sqlite:///{tmp_path / 'absent.db'}") is None
    with session_factory() as session:
        report = purge(session=session, tracker=None, before=retention_scenario.days_ago(90))

    assert (report.conversations, report.tickets, report.events, report.ratings) == (0, 1, 3, 1)
    assert not (tmp_path / "absent.db").exists()


def test_a_conversation_that_goes_on_during_the_purge_is_kept_and_not_counted(tmp_path):
    tracker_url = f"sqlite:///{tmp_path / 'rasa-tracker.db'}"
    retention_scenario.populate_tracker(tracker_url)
    tracker = open_tracker_database(tracker_url)

    def user_writes_again(connection, _cursor, statement, *_):
        """Between the search for stale conversations and their deletion, « ancienne » gets a new message."""
        if statement.startswith("DELETE"):
            connection.exec_driver_sql(
                "INSERT INTO events (sender_id, type_name, timestamp) VALUES ('ancienne', 'user', "
                f"{retention_scenario.NOW.timestamp()})")

    event.listen(tracker, "before_cursor_execute", user_writes_again)
    with tracker.begin() as connection:
        conversations, _ = purge_conversations(connection=connection, before=retention_scenario.days_ago(90),
                                               keep={"en-attente"})
    event.remove(tracker, "before_cursor_execute", user_writes_again)
    tracker.dispose()

    assert conversations == 1
    remaining = retention_scenario.remaining_conversations(tracker_url)
    assert set(remaining) == {"ancienne", "recente", "en-attente"} and remaining["ancienne"] == 3
