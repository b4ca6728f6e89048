"""Advisor accounts (argon2 password hashes) and who is online to take a live conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import config
from assistant.handoff.models import AdvisorRow, utc_now

ONLINE_FOR = timedelta(minutes=5)
PARIS = ZoneInfo("Europe/Paris")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MIN_PASSWORD_LENGTH = 12
_LIVE_HOURS = re.compile(r"^\s*([1-7])-([1-7])\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class LiveHours:
    """When advisors answer live, in Paris time: ISO weekdays (1 = Monday) and a time range."""

    first_day: int = 1
    last_day: int = 5
    opens: time = time(9, 0)
    closes: time = time(17, 0)

    @classmethod
    def parse(cls, text: str) -> LiveHours:
        """"1-5 09:00-17:00" (Monday to Friday, 9 h to 17 h), as in `GUICHET_LIVE_HOURS`."""
        match = _LIVE_HOURS.match(text)
        if not match:
            raise ValueError(f"horaires invalides « {text} » : attendu par exemple « 1-5 09:00-17:00 »")
        first, last, open_h, open_m, close_h, close_m = (int(group) for group in match.groups())
        if first > last or (open_h, open_m) >= (close_h, close_m) or open_h > 23 or (close_h, close_m) > (24, 0):
            raise ValueError(f"horaires invalides « {text} » : jours ou heures dans le désordre")
        closes = time.max if close_h == 24 else time(close_h, close_m)
        return cls(first, last, time(open_h, open_m), closes)

    @classmethod
    def from_environment(cls) -> LiveHours:
        """`GUICHET_LIVE_HOURS` (assistant.config), Monday to Friday 9 h-17 h when unset."""
        configured = config.live_hours()
        return cls.parse(configured) if configured else cls()

    def __contains__(self, moment: datetime) -> bool:
        local = moment.astimezone(PARIS)
        return self.first_day <= local.isoweekday() <= self.last_day and self.opens <= local.time() < self.closes

    def describe(self) -> str:
        """"du lundi au vendredi, de 9 h à 17 h"."""
        return (f"du {DAY_NAMES[self.first_day - 1]} au {DAY_NAMES[self.last_day - 1]}, "
                f"de {_clock(self.opens)} à {_clock(self.closes)}")


def _clock(moment: time) -> str:
    if moment == time.max:
        return "24 h"
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


_hasher = PasswordHasher()


class AdvisorError(ValueError):
    """A French message for the person creating the account."""


def add_advisor(*, session: Session, login: str, name: str, password: str,
                departments: Sequence[str] = ()) -> AdvisorRow:
    login = login.strip().lower()
    if not login or not name.strip():
        raise AdvisorError("L'identifiant et le nom sont obligatoires.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdvisorError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if advisor_by_login(session=session, login=login) is not None:
        raise AdvisorError(f"Le compte « {login} » existe déjà.")
    advisor = AdvisorRow(login=login, name=name.strip(), password_hash=_hasher.hash(password),
                         departments=sorted({code.strip().upper() for code in departments if code.strip()}))
    session.add(advisor)
    session.commit()
    return advisor


def advisor_by_login(*, session: Session, login: str) -> AdvisorRow | None:
    return session.execute(select(AdvisorRow).where(AdvisorRow.login == login.strip().lower())).scalars().first()


def authenticate(*, session: Session, login: str, password: str) -> AdvisorRow | None:
    """The advisor whose password matches; the hash is upgraded when argon2's parameters changed."""
    advisor = advisor_by_login(session=session, login=login)
    if advisor is None:
        _hasher.hash(password)  # the same work whether the account exists or not
        return None
    try:
        _hasher.verify(advisor.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(advisor.password_hash):
        advisor.password_hash = _hasher.hash(password)
        session.commit()
    return advisor


def mark_seen(*, session: Session, advisor_id: int, now: datetime | None = None) -> None:
    advisor = session.get(AdvisorRow, advisor_id)
    if advisor is not None:
        advisor.last_seen_at = (now or utc_now()).astimezone(timezone.utc)
        session.commit()


def advisor_available(*, session: Session, now: datetime, hours: LiveHours, department: str | None = None) -> bool:
    """Someone can answer now: within live hours, an advisor seen in the last minutes who covers the
    département (any advisor when the département is not known)."""
    if now not in hours:
        return False
    since = now.astimezone(timezone.utc) - ONLINE_FOR
    online = session.execute(select(AdvisorRow).where(AdvisorRow.last_seen_at >= since)).scalars()
    return any(department is None or not advisor.departments or department in advisor.departments
               for advisor in online)
