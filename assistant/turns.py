"""What the assistant says at each turn about procedures and places, as `contract.Reply`.

The actions (rasa_sdk adapters) read the tracker — intent, text, entities, slots — and pass plain values
here; everything decided about the answer is decided here, on the services of `assistant.bootstrap`, and
unit-tested without Rasa.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant import contract
from assistant.answers import (
    Answer,
    answer_details,
    answer_documents,
    answer_topic,
    ask_which_procedure,
)
from assistant.availability import DataUnavailable
from assistant.contract import Intent, Reply, Slot
from assistant.geo.communes import Commune
from assistant.geo.resolver import Location, commune_query, position_query
from assistant.knowledge import KnowledgeBase, Topic
from assistant.routing import Evidence, Route, Thresholds, route
from assistant.sheets.answers import answer_sheet_sections, answer_sheets, sheet_items
from assistant.sheets.search import SheetHit
from assistant.structures.answers import StructuresReply, answer_location, ask_location

if TYPE_CHECKING:
    from assistant.bootstrap import Services
    from assistant.handoff.service import Conversation

logger = logging.getLogger(__name__)

# A second topic is suggested when the classifier gives it at least this confidence.
SECOND_TOPIC_MIN_CONFIDENCE = 0.15
DOCUMENTS_PROCEDURES_LIMIT = 4
# Location statuses the structures answer can use: a place, a département, a shared position.
ANSWERABLE = {"found", "department", "coordinates"}
OUT_OF_SCOPE_TEXT = ("Je ne peux pas vous aider sur ce sujet : je réponds uniquement sur les démarches "
                     "administratives (CAF, Assurance maladie, retraite, impôts, papiers, emploi, logement…). Dites "
                     "« aide » pour voir ce que je sais faire.")
# How many sheets are read for a question: enough to compare with a topic's sheets (Thresholds.agreement_depth).
SHEETS_READ = 5
NOT_UNDERSTOOD_TEXT = ("Je n'ai pas bien compris votre demande. Pouvez-vous la reformuler avec d'autres mots ? "
                       "Par exemple : « je déménage » ou « j'ai perdu ma carte Vitale ».")
STRUCTURES_UNAVAILABLE_TEXT = ("La liste des France Services n'est pas disponible pour le moment. Réessayez plus "
                               "tard, ou consultez la carte sur https://www.france-services.gouv.fr.")


def topic_items(knowledge: KnowledgeBase) -> list[contract.TopicItem]:
    return [{"slug": topic.slug, "title": topic.title} for topic in knowledge.topics]


def topic_buttons(topics: Iterable[Topic]) -> list[contract.Button]:
    return [contract.topic_button(topic.slug, topic.title) for topic in topics]


class ProcedureTurns:
    """Questions about life events and procedures (curated, or from the service-public.fr sheets), follow-ups,
    help and misunderstandings."""

    def __init__(self, services: Services, thresholds: Thresholds | None = None):
        self._services = services
        self.thresholds = thresholds or Thresholds()

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._services.knowledge()

    def topic_question(self, *, intent: str | None, text: str, confidence: float = 1.0,
                       partner_values: Sequence[str] = (), ranking: Sequence[dict] = ()) -> Reply | None:
        """A question the classifier read as a `topic_*` intent: the topic's procedures when the sheets found
        for the question agree (assistant.routing), else the sheets, else None (not understood). The runner-up
        topic is offered when the classifier also believes in it (several needs in one message)."""
        knowledge = self.knowledge
        topic = contract.topic_of_intent(intent)
        if topic is None or knowledge.topic(topic) is None:
            return self.choose_topic()
        hits = self.sheets_for(text)
        decided = route(Evidence(topic=topic, topic_confidence=confidence, sheet_ids=[hit.sheet.id for hit in hits],
                                 sheet_confidence=hits[0].confidence if hits else 0.0,
                                 topic_sheet_ids=knowledge.sheets_of_topic(topic)), self.thresholds)
        if decided is Route.SHEETS:
            return answer_sheets(hits)
        if decided is not Route.CURATED:
            return None
        answer = answer_topic(knowledge, topic, text, partner=self.mentioned_partner(partner_values, text))
        related = related_sheets(hits, knowledge.sheets_of_topic(topic))
        if related:
            answer.payload["sheets"] = sheet_items(related)  # type: ignore[typeddict-unknown-key]
        other = _second_topic(knowledge, topic, ranking)
        extra = []
        if other is not None:
            answer.text += f"\n\nVous parlez aussi de « {other.title} » : je peux vous en donner les démarches."
            extra = [contract.topic_button(other.slug, other.title)]
        reply = answer.reply(extra)
        reply.slots[Slot.SHOWN_SHEETS] = None
        return reply

    def open_question(self, text: str) -> Reply | None:
        """A message the classifier did not understand: the sheets when the search is confident, else None."""
        hits = self.sheets_for(text)
        decided = route(Evidence(topic=None, topic_confidence=0.0, sheet_ids=[hit.sheet.id for hit in hits],
                                 sheet_confidence=hits[0].confidence if hits else 0.0), self.thresholds)
        return answer_sheets(hits) if decided is Route.SHEETS else None

    def out_of_scope(self, text: str) -> Reply:
        """A message the classifier read as not administrative: refused, unless the sheets are very sure."""
        hits = self.sheets_for(text)
        decided = route(Evidence(topic=None, topic_confidence=0.0, sheet_ids=[hit.sheet.id for hit in hits],
                                 sheet_confidence=hits[0].confidence if hits else 0.0, out_of_scope=True),
                        self.thresholds)
        if decided is Route.SHEETS:
            return answer_sheets(hits)
        return Reply(text=OUT_OF_SCOPE_TEXT, payload=contract.simple_payload("out_of_scope"))

    def sheets_for(self, text: str) -> list[SheetHit]:
        """The best sheets for a message; none while the sheets are not imported (the curated base answers
        alone then, as before the open world)."""
        if not text.strip() or text.lstrip().startswith("/"):
            return []
        try:
            return self._services.sheet_search().search(text, limit=SHEETS_READ)
        except DataUnavailable as missing:
            logger.warning("Recherche dans les fiches impossible : %s", missing.sentence)
            return []

    def follow_up(self, *, intent: str | None, text: str, partner_values: Sequence[str] = (),
                  chosen: str | None = None, topic: str | None = None, focus: str | None = None,
                  shown: Sequence[str] = (), chosen_sheet: str | None = None,
                  shown_sheets: Sequence[str] = ()) -> Reply:
        """About what was just shown: another partner, the documents, the details of one procedure, or of a
        sheet (a sheet button, « et quels papiers ? » after a sheets answer)."""
        if chosen_sheet or (shown_sheets and not chosen and intent != Intent.ASK_PARTNER):
            sheet_reply = self._sheet_follow_up(intent, chosen_sheet or shown_sheets[0], shown_sheets)
            if sheet_reply is not None:
                return sheet_reply
        knowledge = self.knowledge
        chosen_procedure = knowledge.procedure(chosen or "")
        focus_procedure = knowledge.procedure(focus or "")
        shown_procedures = [p for p in map(knowledge.procedure, shown) if p]
        answer: Answer
        if chosen_procedure is not None:
            topic = topic if topic in chosen_procedure.topics else chosen_procedure.topics[0]
            answer = answer_details(knowledge, topic, chosen_procedure)
        elif topic is None or knowledge.topic(topic) is None:
            return self.choose_topic()
        elif intent == Intent.ASK_PARTNER:
            partner = self.mentioned_partner(partner_values, text)
            answer = answer_topic(knowledge, topic, text if partner else "", partner=partner)
        elif intent == Intent.ASK_DOCUMENTS:
            targets = [focus_procedure] if focus_procedure else (
                shown_procedures or knowledge.procedures_for(topic=topic))
            answer = answer_documents(knowledge, topic, targets[:DOCUMENTS_PROCEDURES_LIMIT])
        elif focus_procedure is not None:
            answer = answer_details(knowledge, topic, focus_procedure)
        elif len(shown_procedures) == 1:
            answer = answer_details(knowledge, topic, shown_procedures[0])
        else:
            answer = ask_which_procedure(knowledge, topic, shown_procedures or knowledge.procedures_for(topic=topic))
        return answer.reply()

    def _sheet_follow_up(self, intent: str | None, sheet_id: str, shown_sheets: Sequence[str]) -> Reply | None:
        sheet = self._services.sheet(sheet_id)
        if sheet is None:
            return None
        others = [other for other in shown_sheets if other != sheet_id]
        return answer_sheet_sections(sheet, documents=intent == Intent.ASK_DOCUMENTS, others=others)

    def help(self) -> Reply:
        """What the assistant can do, with the topics as buttons."""
        knowledge = self.knowledge
        partners = ", ".join(partner.short_name for partner in knowledge.partners)
        text = (
            "Je vous aide à préparer vos démarches administratives, comme au guichet d'une France Services : "
            f"je connais {len(knowledge.procedures)} démarches de {len(knowledge.partners)} organismes "
            f"({partners}).\n"
            "Décrivez votre situation avec vos mots (« je déménage », « j'ai perdu ma carte Vitale ») "
            "ou choisissez un thème. Je vous donne les étapes, les documents à préparer et le lien officiel."
        )
        return self._with_topics(text, "help")

    def choose_topic(self) -> Reply:
        """A follow-up with nothing to follow: ask which topic."""
        return self._with_topics("De quelle démarche parlez-vous ? Choisissez un thème ou décrivez votre situation "
                                 "en quelques mots.", "help")

    def not_understood(self) -> Reply:
        """The first message not understood: ask to rephrase (the second one leads to the handoff offer)."""
        return Reply(text=NOT_UNDERSTOOD_TEXT, payload=contract.simple_payload("fallback"))

    def misunderstanding(self, conversation: Conversation, misunderstood_before: int) -> Reply:
        """A message not understood: ask to rephrase, or after two in a row offer a person and the topics."""
        count = misunderstood_before + 1
        self._services.events.not_understood(conversation.sender_id, conversation.topic)
        reply = (self.not_understood() if count < 2
                 else self._services.handoff.offer_after_misunderstanding(conversation))
        reply.slots[Slot.MISUNDERSTOOD] = count
        return reply

    def mentioned_partner(self, values: Sequence[str], text: str) -> str | None:
        """The one partner the message names: an extracted entity first, else the text itself.

        Entity values go through the aliases too, so a value the synonyms missed ("cafs") still resolves.
        Several partners in one message restrict nothing: the user is asking about all of them.
        """
        knowledge = self.knowledge
        found: list[str] = []
        for value in values:
            slug = value if knowledge.partner(value) else next(iter(knowledge.partners_mentioned(value)), None)
            if slug and slug not in found:
                found.append(slug)
        if not found:
            found = knowledge.partners_mentioned(text)
        return found[0] if len(found) == 1 else None

    def _with_topics(self, text: str, kind: str) -> Reply:
        knowledge = self.knowledge
        return Reply(text=text, payload=contract.topics_payload(kind, topic_items(knowledge)),  # type: ignore[arg-type]
                     buttons=topic_buttons(knowledge.topics))


def related_sheets(hits: Sequence[SheetHit], topic_sheets: frozenset[str]) -> list[SheetHit]:
    """The sheets to show beside a curated answer: the best ones for the question, with at least one that the
    topic's procedures follow (the one that made the two agree) when the best ones hold none."""
    shown = list(hits[:contract.SHEETS_SHOWN])
    if shown and not any(hit.sheet.id in topic_sheets for hit in shown):
        agreeing = next((hit for hit in hits if hit.sheet.id in topic_sheets), None)
        if agreeing is not None:
            shown[-1] = agreeing
    return shown


def _second_topic(knowledge: KnowledgeBase, topic: str, ranking: Sequence[dict]) -> Topic | None:
    for candidate in ranking:
        other = contract.topic_of_intent(candidate.get("name"))
        if other and other != topic and knowledge.topic(other):
            return knowledge.topic(other) if candidate.get("confidence", 0.0) >= SECOND_TOPIC_MIN_CONFIDENCE else None
    return None


class PlaceTurns:
    """Finding the nearest France Services: what a place query means, what to ask, what to answer.

    A place query is the words typed, `insee:<code>` from a homonym button, or `position:<lat>,<lon>` from
    the position the widget shares.
    """

    def __init__(self, services: Services):
        self._services = services

    def resolve(self, query: str) -> Location:
        return self._services.resolver().resolve(query)

    def answerable(self, query: str) -> bool:
        """A query the structures answer can use (a place, a département, a position)."""
        return self.resolve(query).status in ANSWERABLE

    def is_place(self, query: str | None) -> bool:
        """A query naming one commune or a position (a callback needs one to be routed)."""
        return bool(query) and self.resolve(query).is_place

    def commune(self, query: str | None) -> Commune | None:
        """The commune a query names, if it names one."""
        if not query:
            return None
        location = self.resolve(query)
        return location.communes[0] if location.is_place and location.communes else None

    @staticmethod
    def position(latitude: float, longitude: float) -> str:
        return position_query(latitude, longitude)

    def ask(self, query: str | None, *, words_only: bool = False) -> Reply:
        """The question: plain at first, then saying what went wrong (unknown place, abroad, homonyms).
        `words_only`: the message asked for a structure without naming a place (« le téléphone de la France
        Services la plus proche »), so words that are no place are not reported as an unknown place."""
        location = self.resolve(query) if query else None
        if location is not None and words_only and location.status == "not_found":
            location = None
        return _structures_reply(ask_location(location))

    def named_place(self, text: str) -> Reply | None:
        """A message the classifier did not read as a search (not understood, out of scope, a request for a
        person) that plainly names a place (« Remiremont », « un conseiller près de 77120 »): the structures
        near it, with a person on offer when one was asked for. None when it names none."""
        if not text.strip() or text.lstrip().startswith("/"):
            return None
        location = self._services.resolver().resolve_text(text)
        if not location.named:
            return None
        try:
            index = self._services.structure_index()
        except DataUnavailable:
            return None
        reply = _structures_reply(answer_location(location, index, self._services.clock()))
        if location.is_place:
            reply.slots = {Slot.PLACE: text}
        return reply

    def find(self, query: str) -> Reply:
        """The nearest structures to the place, or a département's; the place is kept for a handoff."""
        try:
            index = self._services.structure_index()
        except DataUnavailable:
            return Reply(text=STRUCTURES_UNAVAILABLE_TEXT, payload=contract.structures_payload(None, []),
                         slots={Slot.LOCATION: None})
        location = self.resolve(query)
        reply = _structures_reply(answer_location(location, index, self._services.clock()))
        reply.slots = {Slot.LOCATION: None, **({Slot.PLACE: query} if location.is_place else {})}
        return reply


def _structures_reply(reply: StructuresReply) -> Reply:
    buttons = [contract.location_button(f"{c.name} ({c.department})", commune_query(c)) for c in reply.commune_choices]
    if reply.offers_advisor:
        buttons.append(contract.HUMAN_BUTTON)
    return Reply(text=reply.text, payload=reply.payload, buttons=buttons)
