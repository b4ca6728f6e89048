"""Opening hours as the official list writes them: `09:00 - 12:00 / 13:30 - 17:00`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
_RANGE = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})\s*$")

Range = tuple[str, str]


def parse_day_hours(text: str | None) -> list[Range]:
    """`09:00 - 12:00 / 13:30 - 17:00` → [("09:00", "12:00"), ("13:30", "17:00")]; empty → closed.

    The official list writes `00:00 - 00:00` for a closed day (30 rows in August 2024): no range.

    Raises ValueError, in French, on a range that is malformed, out of the day or backwards.
    """
    if text is None or not text.strip():
        return []
    ranges = []
    for part in text.split("/"):
        match = _RANGE.match(part)
        if match is None:
            raise ValueError(f"horaire illisible « {part.strip()} » (attendu HH:MM - HH:MM)")
        opening_hour, opening_minute, closing_hour, closing_minute = map(int, match.groups())
        if opening_hour > 23 or closing_hour > 24 or opening_minute > 59 or closing_minute > 59:
            raise ValueError(f"heure impossible dans « {part.strip()} »")
        opening, closing = f"{opening_hour:02d}:{opening_minute:02d}", f"{closing_hour:02d}:{closing_minute:02d}"
        if opening == closing == "00:00":
            continue
        if closing <= opening:
            raise ValueError(f"fermeture avant l'ouverture dans « {part.strip()} »")
        ranges.append((opening, closing))
    return ranges


PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class OpeningToday:
    hours_today: str  # "09:00 - 12:00 / 13:30 - 17:00", or "" when closed all day
    open_now: bool


def opening_today(hours: dict[str, list[list[str]]], now: datetime) -> OpeningToday:
    """Today's hours and whether the structure is open at `now`, on Paris time (no Sunday opening)."""
    local = now.astimezone(PARIS)
    if local.weekday() >= len(DAYS):
        return OpeningToday("", False)
    ranges = hours.get(DAYS[local.weekday()], [])
    clock = local.strftime("%H:%M")
    return OpeningToday(
        " / ".join(f"{opening} - {closing}" for opening, closing in ranges),
        any(opening <= clock < closing for opening, closing in ranges),
    )
