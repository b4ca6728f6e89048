from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk.events import ActiveLoop, ConversationPaused, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select, text

from actions.handoff import ActionAnswerConsent, ActionOfferHandoff
from assistant.contract import CONSENT_BUTTONS, HUMAN_BUTTON
from assistant.handoff.advisors import add_advisor, mark_seen
from assistant.handoff.models import TicketRow
from assistant.handoff.tickets import ticket_for_client
from tests.unit.actions.conftest import make_tracker

TUESDAY_10_30_PARIS = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text: str, custom: dict | None = None) -> dict:
    return {"event": "bot", "text": text, "data": {"custom": custom} if custom else {}}


# A citizen moving house, who asked for the nearest France Services, then for a person.
HISTORY = [
    user("bonjour", "greet"), bot("Bonjour !"),
    user("je déménage à Coulommiers, la CAF doit le savoir ?", "topic_demenagement"), bot("Déménagement…"),
    {"event": "slot", "name": "focus_procedure", "value": "caf-changement-adresse"},
    user("France services près de Coulommiers", "find_structure"), bot("Les France Services…"),
]
SLOTS = {"topic": "demenagement", "place": "Coulommiers", "shown_procedures": ["caf-changement-adresse"]}


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def offered(services) -> tuple[list[dict], dict]:
    """The history up to the offer and the slots, as the tracker holds them when the user answers."""
    messages, events = await run(ActionOfferHandoff(services),
                                 make_tracker("je veux parler à quelqu'un", "request_human", events=HISTORY,
                                              slots=SLOTS))
    slots = {**SLOTS, **{event["name"]: event["value"] for event in events if event["event"] == "slot"}}
    return [*HISTORY, user("je veux parler à quelqu'un", "request_human"),
            bot(messages[0]["text"], messages[0]["custom"])], slots


@pytest.fixture
def advisor_online(services, monkeypatch):
    monkeypatch.setattr(services, "clock", lambda: TUESDAY_10_30_PARIS)
    with services.sessions() as session:
        advisor = add_advisor(session=session, login="anne", name="Anne", password="un mot de passe solide",
                              departments=["77"])
        mark_seen(session=session, advisor_id=advisor.id, now=TUESDAY_10_30_PARIS - timedelta(minutes=1))


async def test_the_offer_shows_what_will_be_passed_on(services, knowledge_base):
    tracker = make_tracker("je veux parler à quelqu'un", "request_human", events=HISTORY, slots=SLOTS)

    messages, events = await run(ActionOfferHandoff(services), tracker)

    [sent] = messages
    assert sent["buttons"] == CONSENT_BUTTONS
    assert sent["custom"] == {
        "type": "handoff", "ticket": None, "status": "offered", "reason": "asked",
        "context": {"topic": "demenagement", "procedures": ["caf-changement-adresse"], "commune": "Coulommiers",
                    "summary": "« je déménage à Coulommiers, la CAF doit le savoir ? » / "
                               "« France services près de Coulommiers »"}}
    caf = knowledge_base.procedure("caf-changement-adresse")
    for line in ("• Votre demande : « je déménage à Coulommiers", "• Thème : Déménagement",
                 f"• Démarches consultées : {caf.title}", "• Commune : Coulommiers (77)"):
        assert line in sent["text"]
    assert sent["text"].endswith("Acceptez-vous que ces informations lui soient transmises ?")
    # The offer is remembered in a slot: its reason and the user message it answered (the 4th).
    assert events == [SlotSet("handoff_offer", {"reason": "asked", "turn": 4})]


async def test_a_procedure_that_needs_a_person_is_the_reason(services):
    tracker = make_tracker("/request_human", "request_human",
                           slots={"topic": "justice", "focus_procedure": "justice-divorce"})

    messages, _ = await run(ActionOfferHandoff(services), tracker)

    assert messages[0]["custom"]["reason"] == "needs_person"


async def test_declining_creates_nothing(services):
    events, slots = await offered(services)
    tracker = make_tracker("non merci", "deny", events=events, slots=slots)

    messages, events = await run(ActionAnswerConsent(services), tracker)

    assert messages[0]["custom"] == {"type": "handoff", "ticket": None, "status": "declined"}
    assert messages[0]["text"].startswith("Très bien, je ne transmets rien.")
    assert events == [SlotSet("handoff_offer", None)]
    with services.sessions() as session:
        assert session.execute(select(TicketRow)).scalars().all() == []


async def test_no_during_the_callback_request_forgets_the_contact_already_given(services):
    tracker = make_tracker("non", "deny", events=HISTORY, active_loop="callback_form", slots={
        **SLOTS, "callback_contact": "phone:+33 6 12 34 56 78", "requested_slot": "callback_time"})

    messages, events = await run(ActionAnswerConsent(services), tracker)

    assert messages[0]["custom"] == {"type": "handoff", "ticket": None, "status": "declined"}
    assert events == [SlotSet("callback_contact", None), ActiveLoop(None), SlotSet("requested_slot", None)]


async def test_yes_without_an_offer_is_only_acknowledged(services):
    messages, events = await run(ActionAnswerConsent(services), make_tracker("oui", "affirm", events=HISTORY))

    assert messages[0]["custom"] == {"type": "acknowledge"} and events == []


async def test_yes_to_an_older_offer_is_only_acknowledged(services):
    events, slots = await offered(services)
    later = [*events, user("bonjour", "greet"), bot("Bonjour !")]

    messages, _ = await run(ActionAnswerConsent(services), make_tracker("oui", "affirm", events=later, slots=slots))

    assert messages[0]["custom"] == {"type": "acknowledge"}


async def test_consent_with_an_advisor_online_commits_a_ticket_then_pauses(services, advisor_online):
    events, slots = await offered(services)
    tracker = make_tracker("oui", "affirm", events=events, slots=slots)

    messages, events = await run(ActionAnswerConsent(services), tracker)

    payload = messages[0]["custom"]
    assert events == [SlotSet("handoff_offer", None), ConversationPaused()]
    assert (payload["type"], payload["status"]) == ("handoff", "waiting")
    assert f"votre demande porte le numéro {payload['ticket']}." in messages[0]["text"]
    with services.sessions() as session:
        ticket = ticket_for_client(session=session, ticket_id=int(payload["ticket"]), secret=payload["secret"])
        assert (ticket.sender_id, ticket.reason, ticket.topic, ticket.commune, ticket.department) == (
            "citoyen", "asked", "demenagement", "Coulommiers", "77")
        assert ticket.procedures == ["caf-changement-adresse"]
        assert {"author": "user", "text": "je veux parler à quelqu'un"} in ticket.transcript


async def test_consent_without_an_advisor_online_collects_a_callback(services, monkeypatch):
    monkeypatch.setattr(services, "clock", lambda: TUESDAY_10_30_PARIS)
    events, slots = await offered(services)
    tracker = make_tracker("oui", "affirm", events=events, slots=slots)

    messages, events = await run(ActionAnswerConsent(services), tracker)

    assert messages == [] and events == [FollowupAction("callback_form")]


async def test_a_failure_to_store_the_ticket_gives_no_ticket_number(services, advisor_online):
    with services.sessions() as session:  # the advisor is online, but the ticket cannot be written
        session.execute(text("DROP TABLE handoff_note"))
        session.execute(text("DROP TABLE handoff_message"))
        session.execute(text("DROP TABLE handoff_ticket"))
    events, slots = await offered(services)
    tracker = make_tracker("oui", "affirm", events=events, slots=slots)

    messages, events = await run(ActionAnswerConsent(services), tracker)

    assert messages[0]["custom"] == {"type": "handoff", "ticket": None, "status": "failed"}
    assert "aucune demande n'a été créée" in messages[0]["text"] and "numéro" not in messages[0]["text"]
    assert events == []


async def test_a_person_asked_for_near_a_postcode_gets_the_structures_and_the_offer(services):
    text = "trouver un conseiller près de 77120"

    messages, events = await run(ActionOfferHandoff(services), make_tracker(text, "request_human"))

    [sent] = messages
    assert sent["custom"]["type"] == "structures"
    assert {key: sent["custom"]["location"][key] for key in ("commune", "postcode", "measured_from")} == {
        "commune": "Coulommiers", "postcode": "77120", "measured_from": "mairie"}
    assert len(sent["custom"]["structures"]) == 3
    assert "Distances à vol d'oiseau depuis la mairie de Coulommiers, la commune la plus peuplée du code postal " \
           "77120" in sent["text"]
    assert sent["buttons"][-1] == HUMAN_BUTTON
    assert events == [SlotSet("place", text)]


async def test_the_person_then_asked_for_gets_the_commune_of_that_search(services):
    tracker = make_tracker("/request_human", "request_human", slots={"place": "trouver un conseiller près de 77120"})

    messages, _ = await run(ActionOfferHandoff(services), tracker)

    assert messages[0]["custom"]["status"] == "offered"
    assert messages[0]["custom"]["context"]["commune"] == "Coulommiers"
