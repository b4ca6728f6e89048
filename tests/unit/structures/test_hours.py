from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from assistant.structures.hours import OpeningToday, opening_today, parse_day_hours


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("09:00 - 12:00 / 13:30 - 17:00", [("09:00", "12:00"), ("13:30", "17:00")]),
        ("8:30-12:00", [("08:30", "12:00")]),
        ("", []),
        (None, []),
        ("00:00 - 00:00", []),
    ],
)
def test_day_hours_are_parsed(text, ranges):
    assert parse_day_hours(text) == ranges


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9h-midi", "horaire illisible « 9h-midi » (attendu HH:MM - HH:MM)"),
        ("14:00 - 12:00", "fermeture avant l'ouverture dans « 14:00 - 12:00 »"),
        ("09:00 - 25:00", "heure impossible dans « 09:00 - 25:00 »"),
    ],
)
def test_malformed_hours_are_explained(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_day_hours(text)


HOURS = {"lundi": [["13:30", "17:00"]], "mardi": [["09:00", "12:00"], ["13:30", "17:00"]], "samedi": []}


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [
        # 24 November 2026 is a Tuesday; Paris is UTC+1 in winter.
        (datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc), OpeningToday("09:00 - 12:00 / 13:30 - 17:00", True)),
        (datetime(2026, 11, 24, 11, 15, tzinfo=timezone.utc), OpeningToday("09:00 - 12:00 / 13:30 - 17:00", False)),
        (datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc), OpeningToday("09:00 - 12:00 / 13:30 - 17:00", False)),
        (datetime(2026, 11, 23, 12, 30, tzinfo=timezone.utc), OpeningToday("13:30 - 17:00", True)),
        (datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc), OpeningToday("", False)),
        (datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc), OpeningToday("", False)),
        # Summer time: 08:30 UTC is 10:30 in Paris on Tuesday 7 July 2026.
        (datetime(2026, 7, 7, 8, 30, tzinfo=timezone.utc), OpeningToday("09:00 - 12:00 / 13:30 - 17:00", True)),
    ],
)
def test_opening_today_on_paris_time(utc_time, expected):
    assert opening_today(HOURS, utc_time) == expected
