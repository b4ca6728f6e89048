"""The knowledge base of partner procedures: load, validate and query."""

from __future__ import annotations

import re
from functools import cached_property

from sqlalchemy.orm import sessionmaker

from assistant.knowledge import repository
from assistant.knowledge.entities import ChecklistItem, Partner, Procedure, Topic
from assistant.knowledge.search import PartnerMatcher, ProcedureSearch, SearchHit

__all__ = ["ChecklistItem", "KnowledgeBase", "Partner", "Procedure", "SearchHit", "Topic"]

SHEET_IN_URL = re.compile(r"service-public\.(?:gouv\.)?fr/(?:particuliers|professionnels-entreprises|associations)"
                          r"/vosdroits/([FNR]\d+)")


class KnowledgeBase:
    """A read-only snapshot of the knowledge base, read once from the database and queried in memory.

    The catalogue is small (about a hundred procedures) and changes only when `guichet kb load` runs,
    so answering from memory keeps every conversation turn free of database round trips.
    """

    def __init__(
        self,
        partners: list[Partner],
        topics: list[Topic],
        procedures: list[Procedure],
        checklists: dict[str, list[ChecklistItem]],
    ):
        self.partners = partners
        self.topics = topics
        self.procedures = procedures
        self._partners = {partner.slug: partner for partner in partners}
        self._topics = {topic.slug: topic for topic in topics}
        self._procedures = {procedure.id: procedure for procedure in procedures}
        self._checklists = checklists

    @classmethod
    def from_session_factory(cls, session_factory: sessionmaker) -> KnowledgeBase:
        with session_factory() as session:
            partners = repository.list_partners(session=session)
            topics = repository.list_topics(session=session)
            procedures = repository.list_procedures(session=session)
            by_id = {procedure.id: procedure for procedure in procedures}
            checklists = {
                topic.slug: repository.list_checklist(session=session, topic=topic.slug, procedures=by_id)
                for topic in topics
            }
        return cls(partners, topics, procedures, checklists)

    def prepare(self) -> KnowledgeBase:
        """Build the search index and the partners' matcher now rather than at the first question."""
        _ = self._search, self._partner_matcher, self._sheets_by_topic
        return self

    def partner(self, slug: str) -> Partner | None:
        return self._partners.get(slug)

    def topic(self, slug: str) -> Topic | None:
        return self._topics.get(slug)

    def procedure(self, procedure_id: str) -> Procedure | None:
        return self._procedures.get(procedure_id)

    def checklist(self, topic: str) -> list[ChecklistItem]:
        return list(self._checklists.get(topic, []))

    def procedures_for(self, *, topic: str | None = None, partner: str | None = None) -> list[Procedure]:
        """Procedures of a topic and/or partner: a life event's checklist order first, then file order."""
        rank = {item.procedure.id: index for index, item in enumerate(self._checklists.get(topic or "", []))}
        selected = [
            procedure
            for procedure in self.procedures
            if (topic is None or topic in procedure.topics) and (partner is None or procedure.partner == partner)
        ]
        return sorted(selected, key=lambda procedure: rank.get(procedure.id, len(rank)))

    def search(
        self, text: str, *, topic: str | None = None, partner: str | None = None, limit: int = 5
    ) -> list[SearchHit]:
        return self._search.search(text, topic=topic, partner=partner, limit=limit)

    def partners_mentioned(self, text: str) -> list[str]:
        return self._partner_matcher.find(text)

    def sheets_of_topic(self, topic: str) -> frozenset[str]:
        """The service-public.fr sheets the topic's procedures follow: each one's sheet and the sheets among
        its sources (what the open world compares the sheets found for a question with)."""
        return self._sheets_by_topic.get(topic, frozenset())

    @cached_property
    def _sheets_by_topic(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for procedure in self.procedures:
            sheets = {procedure.service_public_reference} - {None}
            sheets |= {match.group(1) for source in procedure.sources
                       if (match := SHEET_IN_URL.search(source.url))}
            for topic in procedure.topics:
                found.setdefault(topic, set()).update(sheets)
        return {topic: frozenset(sheets) for topic, sheets in found.items()}

    @cached_property
    def _search(self) -> ProcedureSearch:
        return ProcedureSearch(self.procedures, self.partners, self.topics)

    @cached_property
    def _partner_matcher(self) -> PartnerMatcher:
        return PartnerMatcher(self.partners)
