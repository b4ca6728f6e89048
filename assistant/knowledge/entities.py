"""Plain, immutable records handed out by the knowledge base to the actions and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Partner:
    slug: str
    name: str
    short_name: str
    website: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    kind: str
    description: str
    advice: str | None
    advice_url: str | None

    @property
    def is_life_event(self) -> bool:
        return self.kind == "life_event"


@dataclass(frozen=True)
class Source:
    url: str
    title: str


@dataclass(frozen=True)
class Change:
    """A rule that changes on a known date."""

    date: date
    text: str


@dataclass(frozen=True)
class Procedure:
    id: str
    partner: str
    title: str
    topics: tuple[str, ...]
    audience: str
    summary: str
    steps: tuple[str, ...]
    documents: tuple[str, ...]
    online_service: str
    service_public_reference: str | None  # None when no Service Public sheet covers the procedure
    service_public_url: str | None
    cost: str | None
    delay: str | None
    needs_advisor: bool
    keywords: tuple[str, ...]
    reviewed: date
    sources: tuple[Source, ...] = ()
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    procedure: Procedure
    when: str
