"""Validation of the reviewed YAML files, with errors that name the file, the record and the field."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, Extra, HttpUrl, conlist, constr, validator

SLUG = r"^[a-z][a-z_]*[a-z]$"
PROCEDURE_ID = r"^[a-z0-9]+(-[a-z0-9]+)+$"
FIGURE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Procedures reviewed from this day on cite their sources; older reviews predate the field (each review since
# adds them, and the assistant shows each procedure's own review date).
SOURCES_REQUIRED_SINCE = date(2026, 12, 2)
SERVICE_PUBLIC_URL = re.compile(
    r"^https://www\.service-public\.(?:gouv\.)?fr/"
    r"(?P<space>particuliers|professionnels-entreprises|associations)/vosdroits/(?P<reference>[FNR]\d+)$"
)
CURRENT_SERVICE_PUBLIC_HOST = "https://www.service-public.gouv.fr"

Text = constr(strip_whitespace=True, min_length=2)


class _Record(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


def _https_only(value: HttpUrl | None) -> HttpUrl | None:
    if value is not None and value.scheme != "https":
        raise ValueError("l'adresse doit commencer par https://")
    return value


class PartnerRecord(_Record):
    slug: constr(regex=SLUG)
    name: Text
    short_name: Text
    website: HttpUrl
    aliases: conlist(Text, min_items=1)

    _https = validator("website", allow_reuse=True)(_https_only)


class PartnersFile(_Record):
    partners: conlist(PartnerRecord, min_items=1)


class ChecklistEntry(_Record):
    procedure: constr(regex=PROCEDURE_ID)
    when: Text


class TopicRecord(_Record):
    slug: constr(regex=SLUG)
    title: Text
    kind: Literal["life_event", "everyday"]
    description: Text
    advice: Text | None = None
    advice_url: HttpUrl | None = None
    checklist: list[ChecklistEntry] = []

    _https = validator("advice_url", allow_reuse=True)(_https_only)

    @validator("checklist")
    def life_events_have_a_checklist(cls, checklist, values):  # noqa: N805
        if values.get("kind") == "life_event" and len(checklist) < 2:
            raise ValueError("un événement de vie doit avoir une checklist d'au moins 2 démarches")
        return checklist


class TopicsFile(_Record):
    topics: conlist(TopicRecord, min_items=1)


class SourceRecord(_Record):
    """A page or legal text a procedure's facts come from, when the Service Public sheet does not carry them."""

    url: HttpUrl
    title: Text

    _https = validator("url", allow_reuse=True)(_https_only)


class ChangeRecord(_Record):
    """A rule that changes on a known date: the answer says it (« À partir du 1er janvier 2027 : … »)."""

    date: date
    text: Text


class ProcedureRecord(_Record):
    id: constr(regex=PROCEDURE_ID)
    title: Text
    topics: conlist(constr(regex=SLUG), min_items=1)
    audience: Text
    summary: Text
    steps: conlist(Text, min_items=2, max_items=8)
    documents: conlist(Text, min_items=1)
    online_service: HttpUrl
    service_public: str | None = None  # None only when no Service Public sheet covers it (say so in sources)
    cost: Text | None = None
    delay: Text | None = None
    needs_advisor: bool = False
    keywords: list[Text] = []
    reviewed: date  # before `sources`, whose check reads it
    sources: list[SourceRecord] = []
    changes: list[ChangeRecord] = []

    _https = validator("online_service", allow_reuse=True)(_https_only)

    @validator("sources", always=True)
    def reviewed_procedures_cite_their_sources(cls, sources, values):  # noqa: N805
        reviewed = values.get("reviewed")
        if not sources and (reviewed is None or reviewed >= SOURCES_REQUIRED_SINCE):
            raise ValueError("au moins une source attendue (page officielle ou texte de loi, avec son titre)")
        return sources

    @validator("service_public")
    def is_a_service_public_sheet(cls, url: str | None) -> str | None:  # noqa: N805
        if url is None:
            return None
        if not SERVICE_PUBLIC_URL.match(url.strip()):
            raise ValueError(
                "attendu l'adresse d'une fiche Service Public, "
                "par exemple https://www.service-public.gouv.fr/particuliers/vosdroits/F1234"
            )
        return url.strip()

    @validator("reviewed")
    def not_in_the_future(cls, reviewed: date) -> date:  # noqa: N805
        if reviewed > date.today():
            raise ValueError("la date de vérification ne peut pas être dans le futur")
        return reviewed

    @property
    def service_public_reference(self) -> str | None:
        return SERVICE_PUBLIC_URL.match(self.service_public)["reference"] if self.service_public else None

    @property
    def service_public_canonical_url(self) -> str | None:
        """The sheet on service-public.gouv.fr, the portal's address since October 2025."""
        if not self.service_public:
            return None
        match = SERVICE_PUBLIC_URL.match(self.service_public)
        return f"{CURRENT_SERVICE_PUBLIC_HOST}/{match['space']}/vosdroits/{match['reference']}"


class NextValue(_Record):
    value: Text
    effective: date


class FigureRecord(_Record):
    """An amount, rate, age, ceiling or deadline that a law or a yearly revaluation changes, cited by the
    procedures as {{id}}: one place to update."""

    id: constr(regex=FIGURE_ID)
    label: Text
    value: Text
    effective: date
    source: HttpUrl
    next: NextValue | None = None

    _https = validator("source", allow_reuse=True)(_https_only)

    @validator("next")
    def next_comes_after(cls, next_value: NextValue | None, values):  # noqa: N805
        if next_value is not None and values.get("effective") and next_value.effective <= values["effective"]:
            raise ValueError("la prochaine valeur doit prendre effet après la valeur actuelle")
        return next_value


class FiguresFile(_Record):
    figures: list[FigureRecord] = []


class ProceduresFile(_Record):
    partner: constr(regex=SLUG)
    procedures: conlist(ProcedureRecord, min_items=1)
