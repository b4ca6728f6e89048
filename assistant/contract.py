"""The contract with integrators and with Rasa's domain, in one place.

Every bot turn sends a text (with buttons) and one `custom` payload whose `type` says what it is (README,
« Contract for integrators »). The payload shapes are declared here as typed dictionaries and built only by
the functions below, which the library, the actions and the tests all use: changing a field is one change
here, seen by every caller and checked by the tests. The names of the slots, intents, entities and forms of
`domain.yml` that the code relies on are constants here too; a test checks them against the domain.

No Rasa import: the library builds a `Reply`, and the actions (rasa_sdk adapters) send it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict


class Slot:
    """Slots of domain.yml."""

    TOPIC = "topic"
    FOCUS_PROCEDURE = "focus_procedure"
    SHOWN_PROCEDURES = "shown_procedures"
    SHOWN_SHEETS = "shown_sheets"  # the service-public.fr sheets of the latest sheets answer, best first
    LOCATION = "location"  # a location query (words, insee:<code>, position:<lat>,<lon>) while the form asks
    PLACE = "place"  # the latest place answered, kept for a handoff
    MISUNDERSTOOD = "misunderstood"  # how many messages in a row were not understood (a person is offered at 2)
    HANDOFF_OFFER = "handoff_offer"  # the reason of the offer waiting for a yes or a no, else empty
    CALLBACK_CONTACT = "callback_contact"
    CALLBACK_TIME = "callback_time"
    CALLBACK_PLACE = "callback_place"
    REQUESTED_SLOT = "requested_slot"


class Intent:
    """Intents of domain.yml that the code reads (the `topic_*` ones come from knowledge/topics.yml)."""

    GREET = "greet"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    HELP = "help"
    OUT_OF_SCOPE = "out_of_scope"
    ASK_PARTNER = "ask_partner"
    ASK_DOCUMENTS = "ask_documents"
    ASK_DETAILS = "ask_details"
    FIND_STRUCTURE = "find_structure"
    INFORM_LOCATION = "inform_location"
    REQUEST_HUMAN = "request_human"
    AFFIRM = "affirm"
    DENY = "deny"
    NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier
    TOPIC_PREFIX = "topic_"


class Entity:
    PARTNER = "partner"
    PROCEDURE = "procedure"
    SHEET = "sheet"  # only sent by the sheet buttons
    LOCATION = "location"


class Form:
    STRUCTURE = "structure_form"
    CALLBACK = "callback_form"


def topic_intent(topic: str) -> str:
    return f"{Intent.TOPIC_PREFIX}{topic}"


def topic_of_intent(intent: str | None) -> str | None:
    if intent and intent.startswith(Intent.TOPIC_PREFIX):
        return intent[len(Intent.TOPIC_PREFIX):]
    return None


# Buttons: a title and the Rasa payload sent back as the next message when the user clicks.

class Button(TypedDict):
    title: str
    payload: str


BUTTON_TITLE_LENGTH = 80


def button(title: str, payload: str) -> Button:
    shown = title if len(title) <= BUTTON_TITLE_LENGTH else title[: BUTTON_TITLE_LENGTH - 1] + "…"
    return {"title": shown, "payload": payload}


def procedure_button(procedure_id: str, title: str) -> Button:
    return button(title, f"/{Intent.ASK_DETAILS}" + json.dumps({Entity.PROCEDURE: procedure_id}))


def sheet_button(sheet_id: str, title: str) -> Button:
    return button(title, f"/{Intent.ASK_DETAILS}" + json.dumps({Entity.SHEET: sheet_id}))


def topic_button(slug: str, title: str) -> Button:
    return button(title, "/" + topic_intent(slug))


def location_button(title: str, query: str) -> Button:
    return button(title, f"/{Intent.INFORM_LOCATION}" + json.dumps({Entity.LOCATION: query}))


HUMAN_BUTTON = button("Parler à un conseiller", f"/{Intent.REQUEST_HUMAN}")
CONSENT_BUTTONS = [button("Oui, transmettre ma demande", f"/{Intent.AFFIRM}"), button("Non merci", f"/{Intent.DENY}")]


# Payloads.

class TopicItem(TypedDict):
    slug: str
    title: str


class SourceItem(TypedDict):
    title: str
    url: str


class ChangeItem(TypedDict):
    date: str  # ISO 8601
    text: str


class ProcedureItem(TypedDict):
    id: str
    title: str
    partner: str
    partner_name: str
    url: str
    service_public: str | None  # null when no Service Public sheet covers the procedure (its sources do)
    summary: str
    steps: list[str]
    documents: list[str]
    reviewed: str  # ISO 8601: the day this procedure's facts were checked
    sources: list[SourceItem]  # pages and legal texts for the facts the Service Public sheet does not carry
    changes: list[ChangeItem]  # rules that change on a known date


SheetFamily = Literal["fiche", "question", "dossier", "teleservice", "formulaire", "modele", "simulateur"]


class SheetItem(TypedDict):
    """A service-public.fr sheet: the live page and the date of the copy the answer was read from."""

    id: str
    title: str
    description: str
    url: str  # the live page on service-public.gouv.fr
    updated: str  # ISO 8601: the sheet's own date (« fiche mise à jour le … »)
    type: SheetFamily


class WithSheets(TypedDict, total=False):
    sheets: list[SheetItem]  # related service-public.fr sheets, best first (at most 3)


class SheetsPayload(TypedDict):
    """An answer from the service-public.fr sheets alone."""

    type: Literal["sheets"]
    sheets: list[SheetItem]


class ProceduresPayload(WithSheets):
    type: Literal["procedures"]
    topic: str
    procedures: list[ProcedureItem]


class LocationItem(TypedDict, total=False):
    commune: str | None
    insee: str | None
    postcode: str | None
    lat: float | None
    lon: float | None
    measured_from: Literal["mairie", "centre", "position"]  # the point distances are measured from
    department: str  # only for a département's list


class StructureItem(TypedDict):
    id: str
    name: str
    address: str
    postcode: str
    commune: str
    lat: float
    lon: float
    distance_km: float | None
    phone: str | None
    email: str | None
    open_now: bool
    hours_today: str | None
    format: str
    appointment: bool | None


class StructuresPayload(TypedDict):
    type: Literal["structures"]
    location: LocationItem | None
    structures: list[StructureItem]


HandoffStatus = Literal["offered", "declined", "waiting", "callback", "failed"]
HandoffReason = Literal["asked", "fallback", "needs_person", "callback"]


class HandoffContextItem(TypedDict):
    topic: str | None
    procedures: list[str]
    commune: str | None
    summary: str


class CallbackStructureItem(TypedDict):
    id: str
    name: str
    commune: str
    phone: str | None
    hours_today: str | None


class HandoffPayload(TypedDict, total=False):
    type: Literal["handoff"]
    ticket: str | None
    status: HandoffStatus
    secret: str  # with the ticket: lets the user's client read the advisor's messages
    reason: HandoffReason  # with an offer
    context: HandoffContextItem  # with an offer: what will be passed on
    topics: list[TopicItem]  # with an offer after misunderstandings
    asking: Literal["contact", "time", "commune"]  # a callback question
    structure: CallbackStructureItem | None  # a registered callback


class TopicsPayload(TypedDict):
    type: Literal["help", "fallback"]
    topics: list[TopicItem]


SimpleKind = Literal["greet", "goodbye", "thanks", "out_of_scope", "fallback", "acknowledge", "unavailable"]


class SimplePayload(TypedDict):
    type: SimpleKind


Payload = ProceduresPayload | SheetsPayload | StructuresPayload | HandoffPayload | TopicsPayload | SimplePayload


def procedure_item(*, id: str, title: str, partner: str, partner_name: str, url: str,  # noqa: A002
                   service_public: str | None, summary: str, steps: Sequence[str], documents: Sequence[str],
                   reviewed: str, sources: Sequence[SourceItem] = (),
                   changes: Sequence[ChangeItem] = ()) -> ProcedureItem:
    return {"id": id, "title": title, "partner": partner, "partner_name": partner_name, "url": url,
            "service_public": service_public, "summary": summary, "steps": list(steps), "documents": list(documents),
            "reviewed": reviewed, "sources": list(sources), "changes": list(changes)}


def procedures_payload(topic: str, procedures: Sequence[ProcedureItem],
                       sheets: Sequence[SheetItem] = ()) -> ProceduresPayload:
    payload: ProceduresPayload = {"type": "procedures", "topic": topic, "procedures": list(procedures)}
    if sheets:
        payload["sheets"] = list(sheets)[:SHEETS_SHOWN]
    return payload


SHEETS_SHOWN = 3


def sheet_item(*, id: str, title: str, description: str, url: str, updated: str,  # noqa: A002
               type: SheetFamily) -> SheetItem:  # noqa: A002
    return {"id": id, "title": title, "description": description, "url": url, "updated": updated, "type": type}


def sheets_payload(sheets: Sequence[SheetItem]) -> SheetsPayload:
    return {"type": "sheets", "sheets": list(sheets)[:SHEETS_SHOWN]}


def structures_payload(location: LocationItem | None, structures: Sequence[StructureItem]) -> StructuresPayload:
    return {"type": "structures", "location": location, "structures": list(structures)}


def handoff_payload(status: HandoffStatus, *, ticket: int | str | None = None, secret: str | None = None,
                    reason: HandoffReason | None = None, context: HandoffContextItem | None = None,
                    topics: Sequence[TopicItem] | None = None,
                    asking: Literal["contact", "time", "commune"] | None = None,
                    structure: CallbackStructureItem | None | Literal[False] = False) -> HandoffPayload:
    """The `handoff` payload; the ticket number only once the ticket is committed. `structure` is sent (maybe
    null) only with a registered callback: False leaves it out."""
    payload: HandoffPayload = {"type": "handoff", "ticket": str(ticket) if ticket is not None else None,
                               "status": status}
    optional = {"secret": secret, "reason": reason, "context": context, "asking": asking,
                "topics": list(topics) if topics is not None else None}
    payload.update({name: value for name, value in optional.items() if value is not None})  # type: ignore[typeddict-item]
    if structure is not False:
        payload["structure"] = structure
    return payload


def topics_payload(kind: Literal["help", "fallback"], topics: Sequence[TopicItem]) -> TopicsPayload:
    return {"type": kind, "topics": list(topics)}


def simple_payload(kind: SimpleKind) -> SimplePayload:
    return {"type": kind}


@dataclass
class Reply:
    """One bot turn: the text, its buttons and its payload, and what the conversation remembers afterwards.

    `slots` are set after the turn; `pause` hands the conversation to a person (Rasa answers nothing until
    the advisor closes the ticket); `next_action` is run after this one (a form to start). A reply without
    text says nothing itself (the next action speaks).
    """

    text: str | None
    payload: Payload | None
    buttons: list[Button] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    pause: bool = False
    next_action: str | None = None
