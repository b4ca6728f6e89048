from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.procedures import ActionAnswerTopic
from actions.topics import ActionAnswerOutOfScope, ActionHandleFallback, ActionHelp
from assistant.contract import CONSENT_BUTTONS
from assistant.contract import topic_button as contract_topic_button
from assistant.turns import OUT_OF_SCOPE_TEXT
from tests.unit.actions.conftest import make_tracker, message

NOT_UNDERSTOOD = {"event": "user", "text": "blabla", "parse_data": {"intent": {"name": "nlu_fallback"}}}
UNDERSTOOD = {"event": "user", "text": "bonjour", "parse_data": {"intent": {"name": "greet"}}}
BOT = {"event": "bot", "text": "…"}


def topic_button(topic):
    return contract_topic_button(topic.slug, topic.title)


def topics(knowledge_base):
    return [{"slug": topic.slug, "title": topic.title} for topic in knowledge_base.topics]


async def test_first_misunderstanding_asks_to_rephrase(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("zzz", "nlu_fallback", events=[UNDERSTOOD, BOT, NOT_UNDERSTOOD, BOT, UNDERSTOOD, BOT])

    events = await ActionHandleFallback(services).run(dispatcher, tracker, {})

    assert events == [SlotSet("misunderstood", 1)]
    assert dispatcher.messages == [message(
        "Je n'ai pas bien compris votre demande. Pouvez-vous la reformuler avec d'autres mots ? "
        "Par exemple : « je déménage » ou « j'ai perdu ma carte Vitale ».", {"type": "fallback"})]


async def test_second_misunderstanding_in_a_row_offers_an_advisor_and_the_topics(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("zzz", "nlu_fallback", events=[UNDERSTOOD, BOT, NOT_UNDERSTOOD, BOT],
                           slots={"misunderstood": 1})

    events = await ActionHandleFallback(services).run(dispatcher, tracker, {})

    [sent] = dispatcher.messages
    assert sent["text"].startswith("Je ne comprends toujours pas, désolé. Un conseiller France Services peut prendre")
    assert "• Votre demande : « blabla » / « zzz »" in sent["text"]
    assert sent["custom"] == {
        "type": "handoff", "ticket": None, "status": "offered", "reason": "fallback",
        "context": {"topic": None, "procedures": [], "commune": None, "summary": "« blabla » / « zzz »"},
        "topics": topics(knowledge_base)}
    assert sent["buttons"] == CONSENT_BUTTONS + [topic_button(topic) for topic in knowledge_base.topics]
    assert SlotSet("misunderstood", 2) in events


async def test_an_answer_ends_a_run_of_misunderstandings(services):
    tracker = make_tracker("je demenage", "topic_demenagement", slots={"misunderstood": 1})

    events = await ActionAnswerTopic(services).run(CollectingDispatcher(), tracker, {})

    assert SlotSet("misunderstood", None) in events


async def test_help_says_what_the_assistant_knows_with_the_topics(knowledge_base, services):
    dispatcher = CollectingDispatcher()

    await ActionHelp(services).run(dispatcher, make_tracker("tu sers a quoi", "help"), {})

    sent = dispatcher.messages[0]
    assert sent["custom"] == {"type": "help", "topics": topics(knowledge_base)}
    assert (f"je connais {len(knowledge_base.procedures)} démarches de {len(knowledge_base.partners)} "
            "organismes") in sent["text"]
    assert "la MDPH" in sent["text"] and "la Banque de France" in sent["text"]
    assert sent["buttons"] == [topic_button(topic) for topic in knowledge_base.topics]


async def test_a_place_named_alone_is_answered_as_a_search_not_as_a_misunderstanding(services):
    dispatcher = CollectingDispatcher()

    events = await ActionHandleFallback(services).run(dispatcher, make_tracker("Remiremont", "nlu_fallback"), {})

    [sent] = dispatcher.messages
    assert sent["text"].startswith("Les France Services les plus proches de Remiremont :")
    assert sent["custom"]["location"]["insee"] == "88383" and len(sent["custom"]["structures"]) == 3
    assert events == [SlotSet("place", "Remiremont")]


async def test_out_of_scope_is_said_unless_a_place_is_plainly_named(services):
    refused = CollectingDispatcher()
    await ActionAnswerOutOfScope(services).run(refused, make_tracker("une recette de crêpes ?", "out_of_scope"), {})
    searched = CollectingDispatcher()
    events = await ActionAnswerOutOfScope(services).run(
        searched, make_tracker("au Lamentin en Martinique", "out_of_scope"), {})

    assert refused.messages == [message(OUT_OF_SCOPE_TEXT, {"type": "out_of_scope"})]
    assert searched.messages[0]["custom"]["location"]["insee"] == "97213"
    assert events == [SlotSet("place", "au Lamentin en Martinique")]


async def test_a_place_answered_ends_a_run_of_misunderstandings(services):
    dispatcher = CollectingDispatcher()

    events = await ActionHandleFallback(services).run(
        dispatcher, make_tracker("Remiremont", "nlu_fallback", slots={"misunderstood": 1}), {})

    assert dispatcher.messages[0]["custom"]["type"] == "structures"
    assert SlotSet("misunderstood", None) in events
