"""The advisors' quick reference: procedures searched as one types, a printable sheet to hand or e-mail
to the citizen, and a directory of France Services structures by commune, postcode or département.

Everything is read through the composition root's services (assistant.bootstrap): data not loaded yet
raises `DataUnavailable`, which the web app shows as a French message, never a 500.
"""

from __future__ import annotations

from urllib.parse import quote

from assistant.answers import procedure_card
from assistant.availability import DataUnavailable
from assistant.bootstrap import Services
from assistant.knowledge import KnowledgeBase, Procedure
from assistant.sheets.content import key_sections
from assistant.sheets.parser import FAMILY_LABELS, Sheet
from assistant.structures.answers import StructuresReply, answer_location

SEARCH_LIMIT = 10
SHEET_SEARCH_LIMIT = 10


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

    def sheets(self, text: str, *, family: str | None = None, theme: str | None = None) -> list[dict]:
        """The best service-public.fr sheets for the words typed, of a type and a theme when asked; each with
        its type and date (the copy may be old: the advisor reads today's text through the link)."""
        if not text.strip():
            return []
        family = family if family in FAMILY_LABELS else None
        hits = self._services.sheet_search().search(text, limit=SHEET_SEARCH_LIMIT,
                                                    families=[family] if family else None, theme=theme or None)
        return [{"id": hit.sheet.id, "title": hit.sheet.title, "description": hit.sheet.description,
                 "type": hit.sheet.family, "type_label": FAMILY_LABELS[hit.sheet.family],
                 "updated": hit.sheet.modified.isoformat(), "url": hit.sheet.url,
                 "score": round(hit.confidence, 3)} for hit in hits]

    def everything(self, text: str, *, partner: str | None = None, topic: str | None = None,
                   family: str | None = None, theme: str | None = None) -> dict:
        """Curated procedures and sheets together; the sheets missing (never imported) is said, not an error."""
        found = {"procedures": self.search(text, partner=partner, topic=topic), "sheets": [], "sheets_missing": None}
        try:
            found["sheets"] = self.sheets(text, family=family, theme=theme)
        except DataUnavailable as missing:
            found["sheets_missing"] = missing.sentence
        return found

    def sheet_themes(self) -> list[str]:
        """The themes of the sheets, for the filter (empty while the sheets are not imported)."""
        try:
            search = self._services.sheet_search()
        except DataUnavailable:
            return []
        return sorted({theme for sheet in search.sheets for theme in sheet.themes})

    def service_public_sheet(self, sheet_id: str) -> tuple[Sheet, list, str] | None:
        """A sheet's key sections to print for the citizen, and a mailto: link sending them."""
        sheet = self._services.sheet(sheet_id)
        if sheet is None:
            return None
        sections = key_sections(sheet)
        body = "\n\n".join(f"{section.title or sheet.title}\n{section.text}" for section in sections)
        text = (f"{sheet.title}\nFiche service-public.fr mise à jour le {sheet.modified:%d/%m/%Y} ; version à jour : "
                f"{sheet.url}\n\n{body}")
        mailto = f"mailto:?subject={quote(f'Fiche : {sheet.title}')}&body={quote(text[:6000])}"
        return sheet, sections, mailto

    def procedure_sheet(self, procedure_id: str) -> tuple[Procedure, str, str] | None:
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
