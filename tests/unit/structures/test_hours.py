from __future__ import annotations

import re

import pytest

from assistant.structures.hours import parse_day_hours


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
