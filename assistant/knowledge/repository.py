"""Read access to the knowledge base: small, typed query functions returning plain records."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.knowledge.entities import Change, ChecklistItem, Partner, Procedure, Source, Topic
from assistant.knowledge.models import (
    ChecklistItemRow,
    PartnerRow,
    ProcedureRow,
    ProcedureTopicRow,
    TopicRow,
)


def list_partners(*, session: Session) -> list[Partner]:
    rows = session.execute(select(PartnerRow).order_by(PartnerRow.slug)).scalars()
    return [
        Partner(slug=r.slug, name=r.name, short_name=r.short_name, website=r.website, aliases=tuple(r.aliases))
        for r in rows
    ]


def list_topics(*, session: Session) -> list[Topic]:
    rows = session.execute(select(TopicRow).order_by(TopicRow.position)).scalars()
    return [
        Topic(slug=r.slug, title=r.title, kind=r.kind, description=r.description, advice=r.advice,
              advice_url=r.advice_url)
        for r in rows
    ]


def list_procedures(*, session: Session) -> list[Procedure]:
    """Every procedure, in the order of the reviewed files."""
    topics_of: dict[str, list[str]] = defaultdict(list)
    for link in session.execute(select(ProcedureTopicRow).order_by(ProcedureTopicRow.topic_slug)).scalars():
        topics_of[link.procedure_id].append(link.topic_slug)
    rows = session.execute(select(ProcedureRow).order_by(ProcedureRow.position)).scalars()
    return [_procedure(row, tuple(topics_of[row.id])) for row in rows]


def list_checklist(*, session: Session, topic: str, procedures: dict[str, Procedure]) -> list[ChecklistItem]:
    statement = (
        select(ChecklistItemRow).where(ChecklistItemRow.topic_slug == topic).order_by(ChecklistItemRow.position)
    )
    return [
        ChecklistItem(procedure=procedures[row.procedure_id], when=row.when)
        for row in session.execute(statement).scalars()
    ]


def _procedure(row: ProcedureRow, topics: tuple[str, ...]) -> Procedure:
    return Procedure(
        id=row.id, partner=row.partner_slug, title=row.title, topics=topics, audience=row.audience,
        summary=row.summary, steps=tuple(row.steps), documents=tuple(row.documents),
        online_service=row.online_service, service_public_reference=row.service_public_reference,
        service_public_url=row.service_public_url, cost=row.cost, delay=row.delay,
        needs_advisor=row.needs_advisor, keywords=tuple(row.keywords), reviewed=row.reviewed,
        sources=tuple(Source(url=item["url"], title=item["title"]) for item in row.sources or []),
        changes=tuple(Change(date=date.fromisoformat(item["date"]), text=item["text"]) for item in row.changes or []),
    )
