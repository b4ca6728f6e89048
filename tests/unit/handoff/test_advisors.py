from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from assistant.handoff.advisors import (
    AdvisorError,
    LiveHours,
    add_advisor,
    advisor_available,
    authenticate,
    mark_seen,
)

TUESDAY_10_30_PARIS = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"


def test_a_password_is_stored_hashed_and_checked(session_factory):
    with session_factory() as session:
        advisor = add_advisor(session=session, login=" Anne.Martin ", name="Anne Martin", password=PASSWORD,
                              departments=["77", " 2a "])

        assert advisor.login == "anne.martin" and advisor.departments == ["2A", "77"]
        assert advisor.password_hash.startswith("$argon2") and PASSWORD not in advisor.password_hash
        assert authenticate(session=session, login="ANNE.MARTIN", password=PASSWORD).id == advisor.id
        assert authenticate(session=session, login="anne.martin", password=PASSWORD + "!") is None
        assert authenticate(session=session, login="personne", password=PASSWORD) is None


@pytest.mark.parametrize(
    ("login", "password", "message"),
    [("", PASSWORD, "obligatoires"), ("paul", "court", "au moins 12 caractères"),
     ("anne", PASSWORD, "existe déjà")],
)
def test_accounts_are_refused_with_a_reason(session_factory, login, password, message):
    with session_factory() as session:
        add_advisor(session=session, login="anne", name="Anne", password=PASSWORD)
        with pytest.raises(AdvisorError, match=message):
            add_advisor(session=session, login=login, name="Paul", password=password)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [(TUESDAY_10_30_PARIS, True), (datetime(2026, 11, 24, 16, 30, tzinfo=timezone.utc), False),  # 17:30
     (datetime(2026, 11, 29, 9, 30, tzinfo=timezone.utc), False),  # Sunday
     (datetime(2026, 11, 24, 7, 59, tzinfo=timezone.utc), False)],  # 08:59
)
def test_live_hours_are_paris_weekdays(moment, expected):
    assert (moment in LiveHours()) is expected
    assert LiveHours().describe() == "du lundi au vendredi, de 9 h à 17 h"


def test_live_hours_are_configurable():
    saturday_morning = LiveHours.parse("6-6 08:30-12:00")
    always = LiveHours.parse("1-7 00:00-24:00")

    assert datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc) in saturday_morning  # 9:00 in Paris
    assert datetime(2026, 11, 28, 11, 0, tzinfo=timezone.utc) not in saturday_morning
    assert saturday_morning.describe() == "du samedi au samedi, de 8 h 30 à 12 h"
    assert datetime(2026, 11, 29, 22, 59, tzinfo=timezone.utc) in always and always.describe().endswith("à 24 h")
    for wrong in ("lundi", "5-1 09:00-17:00", "1-5 17:00-09:00", "1-5 09:00-25:00"):
        with pytest.raises(ValueError, match="horaires invalides"):
            LiveHours.parse(wrong)


def test_an_advisor_is_available_when_seen_recently_and_covering_the_department(session_factory):
    now, hours = TUESDAY_10_30_PARIS, LiveHours()
    with session_factory() as session:
        seine_et_marne = add_advisor(session=session, login="anne", name="Anne", password=PASSWORD,
                                     departments=["77"])
        assert not advisor_available(session=session, now=now, hours=hours, department="77")

        mark_seen(session=session, advisor_id=seine_et_marne.id, now=now - timedelta(minutes=2))
        assert advisor_available(session=session, now=now, hours=hours, department="77")
        assert advisor_available(session=session, now=now, hours=hours, department=None)
        assert not advisor_available(session=session, now=now, hours=hours, department="88")
        assert not advisor_available(session=session, now=now + timedelta(minutes=10), hours=hours, department="77")
        assert not advisor_available(session=session, now=now + timedelta(hours=8), hours=hours, department="77")
