"""The web app's request and response bodies, and how errors are documented in its OpenAPI schema."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, StrictBool, constr, validator

from assistant.text import storable

# Patterns read alike by Python and by JSON Schema (ECMA-262), whose \s differ: spelled out here.
SPACES = " \t\n\r\f\v"
NO_NUL = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text
NOT_BLANK_NO_NUL = rf"^[{SPACES}]*[^{SPACES}\x00][^\x00]*$"
LARGEST_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL's BIGINT store; larger ones overflow
LARGEST_MESSAGE_ID = 2**53 - 1  # JavaScript's largest exact integer, exact too in the OpenAPI schema (a float)


def storable_or_refused(value: str | None) -> str | None:
    """Pydantic validator: text a database cannot store (assistant.text.storable) is a 422, not a 500."""
    if value is not None and not storable(value):
        raise ValueError("caractères non autorisés")
    return value


def stripped(value: str | None) -> str | None:
    return value.strip(SPACES) if value is not None else None


def nullable_optionals(schema: dict, model: type[BaseModel]) -> None:
    """Pydantic 1 leaves `null` out of the schema of an optional field; clients (and the fuzzer) read it."""
    for name, field in model.__fields__.items():
        described = schema.get("properties", {}).get(name)
        if field.allow_none and described is not None:
            title = described.pop("title", name)
            schema["properties"][name] = {"title": title, "anyOf": [described, {"type": "null"}]}


class RatingIn(BaseModel):
    """A user's opinion of one answer, sent by the widget. Types are strict (no "true" for true, no number
    for a text) and lengths are checked before surrounding spaces are removed, as the schema says."""

    sender: constr(strict=True, min_length=1, max_length=255, regex=NOT_BLANK_NO_NUL)
    topic: constr(strict=True, max_length=60, regex=NO_NUL) | None = None
    kind: Literal["procedures", "structures", "sheets"]
    useful: StrictBool
    reason: constr(strict=True, max_length=500, regex=NO_NUL) | None = None

    _storable = validator("sender", "topic", "reason", allow_reuse=True)(storable_or_refused)
    _stripped = validator("sender", "reason", allow_reuse=True)(stripped)

    class Config:
        schema_extra = staticmethod(nullable_optionals)


class RatingOut(BaseModel):
    id: int


class HandoffMessageOut(BaseModel):
    id: int
    recipient_id: str
    text: str


class HandoffOut(BaseModel):
    """What the user's client polls: the ticket's status and the advisor's messages after `after`."""

    ticket: str
    status: Literal["waiting", "live", "callback", "closed"]
    messages: list[HandoffMessageOut]


class ReferenceOut(BaseModel):
    results: list[dict]


class ReferenceAllOut(BaseModel):
    """Curated procedures and service-public.fr sheets; `sheets_missing` says why there are no sheets."""

    procedures: list[dict]
    sheets: list[dict]
    sheets_missing: str | None = None

    class Config:
        schema_extra = staticmethod(nullable_optionals)


class Problem(BaseModel):
    """An error explained in French."""

    detail: str


class TooManyRequests(BaseModel):
    """The rate limit's refusal, with the header `Retry-After` (seconds)."""

    error: str


RETRY_AFTER = {"Retry-After": {"description": "Secondes à attendre", "schema": {"type": "integer"}}}
INVALID = {422: {"model": Problem, "description": "Requête invalide (explication en français)"}}
UNREADABLE = {400: {"model": Problem, "description": "Corps illisible : pas du JSON, ou pas en UTF-8"}}
LIMITED = {429: {"model": TooManyRequests, "description": "Trop de requêtes de ce client", "headers": RETRY_AFTER}}
UNAVAILABLE = {503: {"model": Problem, "description": "Données pas encore chargées (explication en français)"}}
