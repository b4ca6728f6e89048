"""The advisors' quick reference: procedures searched as one types, a printable sheet to hand or e-mail
to the citizen, and a directory of France Services structures by commune, postcode or département.

Everything is read through the composition root's services (assistant.bootstrap): data not loaded yet
raises `DataUnavailable`, which the web app shows as a French message, never a 500.
"""

from __future__ import annotations

from urllib.parse import quote

from assistant.answers import procedure_card
from assistant.bootstrap import Services
from assistant.knowledge import KnowledgeBase, Procedure
from assistant.structures.answers import StructuresReply, answer_location

SEARCH_LIMIT = 10


class QuickReference:
    def __init__(self, services: Services):
        self._services = services

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._services.knowledge()

    def search(self, text: str, *, partner: str | None = None, topic: str | None = None) -> list[dict]:
        """The best procedures for the words typed (all of a partner's or topic's when nothing is typed)."""
        knowledge = self.knowledge
        partner = partner if partner and knowledge.partner(partner) else None
        topic = topic if topic and knowledge.topic(topic) else None
        if text.strip():
            hits = [hit for hit in knowledge.search(text, topic=topic, partner=partner, limit=SEARCH_LIMIT)
                    if hit.score > 0]
            found = [(hit.procedure, round(hit.score, 3)) for hit in hits]
        elif partner or topic:
            found = [(p, None) for p in knowledge.procedures_for(topic=topic, partner=partner)[:SEARCH_LIMIT]]
        else:
            found = []
        return [{"id": p.id, "title": p.title, "partner": self._partner_name(knowledge, p.partner),
                 "topics": list(p.topics), "score": score} for p, score in found]

    def sheet(self, procedure_id: str) -> tuple[Procedure, str, str] | None:
        """The procedure, its sheet as text, and a mailto: link sending that text to the citizen."""
        knowledge = self.knowledge
        procedure = knowledge.procedure(procedure_id)
        if procedure is None:
            return None
        text = procedure_card(knowledge, procedure).replace("**", "")
        mailto = f"mailto:?subject={quote(f'Votre démarche : {procedure.title}')}&body={quote(text)}"
        return procedure, text, mailto

    def structures(self, query: str) -> StructuresReply:
        location = self._services.resolver().resolve_text(query)
        return answer_location(location, self._services.structure_index(), self._services.clock())

    @staticmethod
    def _partner_name(knowledge: KnowledgeBase, slug: str) -> str:
        partner = knowledge.partner(slug)
        return partner.name if partner else slug
