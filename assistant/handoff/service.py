"""The handoff to a human advisor, as a workflow: the offer (showing what will be passed on), consent, a live
ticket or a callback request, and the rules of who may answer or close a ticket.

The actions pass what they read of Rasa's tracker (`Conversation`) and send the `contract.Reply` they get
back; the web app asks the same service whether an advisor may reply to or close a ticket.

A ticket number is only given once the ticket is committed; when the database fails, the user is told so
honestly and given no number. The offer waiting for an answer is kept in the `handoff_offer` slot (its reason
and the user message it answered), so that a yes or a no is read against it, not against what was sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from sqlalchemy.exc import SQLAlchemyError

from assistant import contract
from assistant.availability import DataUnavailable
from assistant.contract import CONSENT_BUTTONS, Form, Intent, Reply, Slot
from assistant.handoff.advisors import advisor_available
from assistant.handoff.contact import parse_contact
from assistant.handoff.context import HandoffContext, build_context, describe
from assistant.handoff.models import CLOSED, LIVE, TicketRow
from assistant.handoff.tickets import TicketRequest, create_ticket
from assistant.structures.hours import opening_today
from assistant.turns import topic_buttons, topic_items

if TYPE_CHECKING:
    from assistant.bootstrap import Services

logger = logging.getLogger(__name__)

CALLBACK_SLOTS = (Slot.CALLBACK_CONTACT, Slot.CALLBACK_TIME, Slot.CALLBACK_PLACE)
# What is left out of the summary of the user's requests.
NOT_A_REQUEST = {Intent.GREET, Intent.GOODBYE, Intent.THANKS, Intent.AFFIRM, Intent.DENY, Intent.REQUEST_HUMAN,
                 Intent.HELP}
TIME_CHOICES = ("Le matin", "L'après-midi", "Peu importe")
MAX_TIME_LENGTH = 120
FAILURE_TEXT = ("Désolé, je n'ai pas pu enregistrer votre demande : aucune demande n'a été créée. Réessayez dans "
                "quelques minutes, ou rendez-vous dans une France Services (dites « France Services près de » et "
                "votre commune).")
DECLINED_TEXT = "Très bien, je ne transmets rien. Posez-moi votre question, ou dites « aide » pour voir les thèmes."
OFFER_LEAD = ("Je peux transmettre votre demande à un conseiller France Services, qui vous répondra ici ou vous "
              "rappellera.")
FALLBACK_LEAD = ("Je ne comprends toujours pas, désolé. Un conseiller France Services peut prendre le relais : il "
                 "vous répondra ici ou vous rappellera.")
Asking = Literal["contact", "time", "commune"]


@dataclass(frozen=True)
class Turn:
    author: Literal["user", "bot"]
    text: str
    intent: str | None = None


@dataclass(frozen=True)
class Conversation:
    """What the handoff needs of the conversation, as the actions read it from the tracker."""

    sender_id: str
    turns: Sequence[Turn]  # oldest first, the latest user message included
    topic: str | None = None
    procedure_ids: Sequence[str] = ()  # the procedures focused on or shown, oldest first
    place: str | None = None  # the place query of the latest structures answered
    offer: dict | None = None  # the `handoff_offer` slot
    callback: dict[str, str | None] = field(default_factory=dict)  # the callback slots' values

    @property
    def user_turns(self) -> int:
        return sum(turn.author == "user" for turn in self.turns)

    def offer_pending(self) -> dict | None:
        """The offer made in the assistant's previous turn, which the latest message answers."""
        if self.offer and self.offer.get("turn") == self.user_turns - 1:
            return self.offer
        return None


def may_reply(ticket: TicketRow, advisor_id: int) -> bool:
    """Only the advisor holding a live ticket writes to the user."""
    return ticket.claimed_by == advisor_id and ticket.status == LIVE


def may_close(ticket: TicketRow, advisor_id: int) -> bool:
    """The advisor holding the ticket closes it, or anyone a callback nobody took."""
    return ticket.status != CLOSED and ticket.claimed_by in (None, advisor_id)


class HandoffService:
    def __init__(self, services: Services):
        self._services = services

    # The offer and the consent.

    def offer(self, conversation: Conversation, *, focus: str | None = None) -> Reply:
        """The user asks for a person (or clicked « Parler à un conseiller » under a complex procedure)."""
        procedure = self._services.knowledge().procedure(focus or "")
        reason = "needs_person" if procedure is not None and procedure.needs_advisor else "asked"
        return self._offer(conversation, reason, OFFER_LEAD)

    def offer_after_misunderstanding(self, conversation: Conversation) -> Reply:
        """Two messages not understood in a row: a person may help; the topics stay on offer."""
        knowledge = self._services.knowledge()
        reply = self._offer(conversation, "fallback", FALLBACK_LEAD, topics=topic_items(knowledge))
        reply.text += "\nSinon, choisissez le thème qui correspond à votre situation."
        reply.buttons += topic_buttons(knowledge.topics)
        return reply

    def answer_consent(self, conversation: Conversation, *, intent: str | None, in_form: bool) -> Reply:
        """Yes or no to an offer: a live ticket, the callback form, or back to the conversation."""
        offered = conversation.offer_pending()
        if intent == Intent.DENY and (offered or in_form):
            return Reply(text=DECLINED_TEXT, payload=contract.handoff_payload("declined"), slots=_forgotten())
        if intent != Intent.AFFIRM or offered is None:
            return Reply(text="D'accord. Avez-vous une question sur vos démarches ?",
                         payload=contract.simple_payload("acknowledge"))
        context = self.context(conversation)
        department = context.commune.department if context.commune else None
        try:
            with self._services.sessions() as session:
                if not advisor_available(session=session, now=self._services.clock(),
                                         hours=self._services.settings.live_hours, department=department):
                    # The callback form's first question says why and asks how to call back.
                    return Reply(text=None, payload=None, next_action=Form.CALLBACK)
                ticket, secret = create_ticket(session=session, callback=False, request=_ticket_request(
                    conversation, context, offered.get("reason") or "asked"))
        except SQLAlchemyError:
            logger.exception("Ticket de mise en relation non enregistré (%s)", conversation.sender_id)
            return Reply(text=FAILURE_TEXT, payload=contract.handoff_payload("failed"))
        return Reply(text=(f"C'est transmis : votre demande porte le numéro {ticket.id}. Un conseiller France "
                           "Services va vous répondre ici même. Vous pouvez continuer à écrire : vos messages lui "
                           "sont transmis."),
                     payload=contract.handoff_payload("waiting", ticket=ticket.id, secret=secret),
                     slots={Slot.HANDOFF_OFFER: None}, pause=True)

    # The callback request, when no advisor is online.

    @staticmethod
    def contact(text: str) -> str | None:
        """A phone number or an e-mail address as the callback slot keeps it ("phone:+33 …", "email:…")."""
        found = parse_contact(text)
        return f"{found[0]}:{found[1]}" if found else None

    @staticmethod
    def preferred_time(text: str) -> str | None:
        text = text.strip()
        return text if 0 < len(text) <= MAX_TIME_LENGTH else None

    def callback_question(self, asking: Asking, *, again: bool) -> Reply:
        """Each question of the callback request; `again` when the previous answer could not be used."""
        buttons: list[contract.Button] = []
        if asking == "contact":
            text = ("Ce numéro ou cette adresse ne semble pas valide. Indiquez un numéro de téléphone (par exemple "
                    "06 12 34 56 78) ou une adresse e-mail." if again else
                    "Aucun conseiller n'est disponible en direct pour le moment (en direct "
                    f"{self._services.settings.live_hours.describe()}). Je peux enregistrer une demande de rappel : "
                    "à quel numéro de téléphone ou à quelle adresse e-mail un conseiller peut-il vous joindre ? "
                    "(Dites « non » pour annuler.)")
        elif asking == "time":
            text = "Quand préférez-vous être contacté ?"
            if again:
                text = f"Répondez en quelques mots ({MAX_TIME_LENGTH} caractères au plus) : quand préférez-vous être " \
                       "contacté ?"
            buttons = [contract.button(choice, choice) for choice in TIME_CHOICES]
        else:
            text = ("Dans quelle commune habitez-vous ? Votre demande ira à la France Services la plus proche "
                    "(une commune ou un code postal).")
            if again:
                text = f"Je ne trouve pas cette commune de façon certaine. {text}"
        return Reply(text=text, payload=contract.handoff_payload("callback", asking=asking), buttons=buttons)

    def create_callback(self, conversation: Conversation) -> Reply:
        """Route to the nearest structure, commit the ticket, then give its number, the structure's phone and
        hours. The callback slots are emptied whether or not the ticket could be stored: the contact is kept
        no longer than needed (assistant/privacy/tracker_store.py)."""
        places = self._services.places
        kind, _, contact = (conversation.callback.get(Slot.CALLBACK_CONTACT) or "").partition(":")
        preferred_time = conversation.callback.get(Slot.CALLBACK_TIME) or ""
        location = places.resolve(conversation.callback.get(Slot.CALLBACK_PLACE) or "")
        structure = self._nearest_structure(location.points)
        context = self.context(conversation)
        context = replace(context, commune=location.communes[0] if location.communes else context.commune)
        request = _ticket_request(
            conversation, context, "callback", phone=contact if kind == "phone" else None,
            email=contact if kind == "email" else None, preferred_time=preferred_time,
            structure_id=structure.id if structure else None, structure_name=structure.name if structure else None)
        try:
            with self._services.sessions() as session:
                ticket, secret = create_ticket(session=session, request=request, callback=True)
        except SQLAlchemyError:
            logger.exception("Demande de rappel non enregistrée (%s)", conversation.sender_id)
            return Reply(text=FAILURE_TEXT, payload=contract.handoff_payload("failed"), slots=_forgotten())
        lines = [f"C'est noté : votre demande de rappel porte le numéro {ticket.id}. Un conseiller vous contactera "
                 f"({preferred_time.lower()}) au {contact}."]
        routed = None
        if structure is not None:
            opening = opening_today(structure.hours, self._services.clock())
            hours = f"aujourd'hui {opening.hours_today}" if opening.hours_today else "fermée aujourd'hui"
            phone = f", joignable au {structure.phone}" if structure.phone else ""
            lines.append(f"Votre demande est transmise à la France Services « {structure.name} » "
                         f"({structure.commune}){phone} ; {hours}.")
            routed = {"id": str(structure.id), "name": structure.name, "commune": structure.commune,
                      "phone": structure.phone, "hours_today": opening.hours_today or None}
        return Reply(text="\n".join(lines), slots=_forgotten(),
                     payload=contract.handoff_payload("callback", ticket=ticket.id, secret=secret, structure=routed))

    # What is passed on.

    def context(self, conversation: Conversation) -> HandoffContext:
        """Topic, procedures, commune, and the user's requests up to the offer (not the answers given to the
        callback questions, which are stored apart)."""
        offered_at = (conversation.offer or {}).get("turn")
        requests, transcript, users = [], [], 0
        for turn in conversation.turns:
            transcript.append({"author": turn.author, "text": turn.text})
            if turn.author != "user":
                continue
            users += 1
            if (offered_at is None or users <= offered_at) and turn.intent not in NOT_A_REQUEST \
                    and not turn.text.startswith("/"):
                requests.append(turn.text)
        return build_context(self._services.knowledge(), topic=conversation.topic,
                             procedure_ids=conversation.procedure_ids,
                             commune=self._services.places.commune(conversation.place), requests=requests,
                             transcript=transcript)

    def _offer(self, conversation: Conversation, reason: contract.HandoffReason, lead: str,
               topics: Sequence[contract.TopicItem] | None = None) -> Reply:
        context = self.context(conversation)
        text = (f"{lead}\nVoici ce que je lui transmettrai :\n{describe(context)}\n\n"
                "Acceptez-vous que ces informations lui soient transmises ?")
        payload = contract.handoff_payload("offered", reason=reason, context=context.payload(), topics=topics)
        return Reply(text=text, payload=payload, buttons=list(CONSENT_BUTTONS),
                     slots={Slot.HANDOFF_OFFER: {"reason": reason, "turn": conversation.user_turns}})

    def _nearest_structure(self, points):
        if not points:
            return None
        try:
            return self._services.structure_index().nearest(points, 1)[0].structure
        except DataUnavailable as missing:
            logger.error("Demande de rappel sans France Services : %s", missing.sentence)
            return None


def _forgotten() -> dict[str, None]:
    """The offer and what the user gave for a callback, forgotten (the tracker store does not mask slots)."""
    return {Slot.HANDOFF_OFFER: None, **{slot: None for slot in CALLBACK_SLOTS}}


def _ticket_request(conversation: Conversation, context: HandoffContext, reason: str, **callback) -> TicketRequest:
    commune = context.commune
    return TicketRequest(
        sender_id=conversation.sender_id, reason=reason, summary=context.summary, topic=context.topic,
        procedures=[identifier for identifier, _ in context.procedures], commune=commune.name if commune else None,
        insee=commune.insee if commune else None, department=commune.department if commune else None,
        transcript=context.transcript, **callback,
    )
