"""Advisor accounts (argon2 password hashes) and who is online to take a live conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.handoff.models import AdvisorRow, utc_now

ONLINE_FOR = timedelta(minutes=5)
PARIS = ZoneInfo("Europe/Paris")
# Live handoff hours: France Services counters are open on weekdays and Saturday mornings at the most.
LIVE_DAYS = range(0, 5)  # Monday to Friday
LIVE_FROM, LIVE_UNTIL = time(9, 0), time(17, 0)
MIN_PASSWORD_LENGTH = 12

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


def within_live_hours(now: datetime) -> bool:
    local = now.astimezone(PARIS)
    return local.weekday() in LIVE_DAYS and LIVE_FROM <= local.time() < LIVE_UNTIL


def advisor_available(*, session: Session, now: datetime, department: str | None = None) -> bool:
    """Someone can answer now: within live hours, an advisor seen in the last minutes who covers the
    département (or every département)."""
    if not within_live_hours(now):
        return False
    since = now.astimezone(timezone.utc) - ONLINE_FOR
    online = session.execute(select(AdvisorRow).where(AdvisorRow.last_seen_at >= since)).scalars()
    return any(not advisor.departments or department in advisor.departments for advisor in online)
