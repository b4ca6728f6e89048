"""What the assistant says at each turn about procedures and places, as `contract.Reply`.

The actions (rasa_sdk adapters) read the tracker — intent, text, entities, slots — and pass plain values
here; everything decided about the answer is decided here, on the services of `assistant.bootstrap`, and
unit-tested without Rasa.
"""

from __future__ import annotations

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
from assistant.structures.answers import StructuresReply, answer_location, ask_location

if TYPE_CHECKING:
    from assistant.bootstrap import Services

# A second topic is suggested when the classifier gives it at least this confidence.
SECOND_TOPIC_MIN_CONFIDENCE = 0.15
DOCUMENTS_PROCEDURES_LIMIT = 4
# Location statuses the structures answer can use: a place, a département, a shared position.
ANSWERABLE = {"found", "department", "coordinates"}
NOT_UNDERSTOOD_TEXT = ("Je n'ai pas bien compris votre demande. Pouvez-vous la reformuler avec d'autres mots ? "
                       "Par exemple : « je déménage » ou « j'ai perdu ma carte Vitale ».")
STRUCTURES_UNAVAILABLE_TEXT = ("La liste des France Services n'est pas disponible pour le moment. Réessayez plus "
                               "tard, ou consultez la carte sur https://www.france-services.gouv.fr.")


def topic_items(knowledge: KnowledgeBase) -> list[contract.TopicItem]:
    return [{"slug": topic.slug, "title": topic.title} for topic in knowledge.topics]


def topic_buttons(topics: Iterable[Topic]) -> list[contract.Button]:
    return [contract.topic_button(topic.slug, topic.title) for topic in topics]


class ProcedureTurns:
    """Questions about life events and procedures, follow-ups, help and misunderstandings."""

    def __init__(self, services: Services):
        self._services = services

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._services.knowledge()

    def topic_question(self, *, intent: str | None, text: str, partner_values: Sequence[str] = (),
                       ranking: Sequence[dict] = ()) -> Reply:
        """A question classified by its `topic_*` intent; the runner-up topic is offered when the classifier
        also believes in it (several needs in one message)."""
        knowledge = self.knowledge
        topic = contract.topic_of_intent(intent)
        if topic is None or knowledge.topic(topic) is None:
            return self.choose_topic()
        answer = answer_topic(knowledge, topic, text, partner=self.mentioned_partner(partner_values, text))
        other = _second_topic(knowledge, topic, ranking)
        if other is None:
            return answer.reply()
        answer.text += f"\n\nVous parlez aussi de « {other.title} » : je peux vous en donner les démarches."
        return answer.reply([contract.topic_button(other.slug, other.title)])

    def follow_up(self, *, intent: str | None, text: str, partner_values: Sequence[str] = (),
                  chosen: str | None = None, topic: str | None = None, focus: str | None = None,
                  shown: Sequence[str] = ()) -> Reply:
        """About what was just shown: another partner, the documents, the details of one procedure."""
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
    return Reply(text=reply.text, payload=reply.payload, buttons=buttons)
