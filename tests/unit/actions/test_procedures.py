from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.procedures import ActionAnswerFollowUp, ActionAnswerTopic
from actions.topics import ActionHandleFallback
from assistant.answers import checklist_text, procedure_card, procedures_payload
from assistant.contract import HUMAN_BUTTON
from assistant.contract import procedure_button as contract_procedure_button
from assistant.contract import topic_button as contract_topic_button
from assistant.feedback.report import topic_report
from tests.unit.actions.conftest import make_tracker, message, partner_entity

MOVING_CHECKLIST = [
    "laposte-reexpedition-courrier", "caf-changement-adresse", "caf-aide-logement", "cpam-changement-adresse",
    "msa-changement-adresse", "ft-changement-situation", "retraite-changement-coordonnees",
    "dgfip-changement-adresse", "ants-carte-grise-changement-adresse", "cheque-energie-demenagement",
]


def slots(topic, focus, shown, before: dict | None = None):
    """The SlotSet events of an answer: only the slots whose value changes."""
    before = before or {}
    return [SlotSet(name, value) for name, value in (("topic", topic), ("focus_procedure", focus),
                                                     ("shown_procedures", shown)) if before.get(name) != value]


def procedure_button(procedure):
    return contract_procedure_button(procedure.id, procedure.title)


def topic_button(topic):
    return contract_topic_button(topic.slug, topic.title)


async def test_a_life_event_gets_its_checklist_across_partners_in_order(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("je demenage la semaine prochaine, qui dois-je prevenir ?", "topic_demenagement")

    events = await ActionAnswerTopic(services).run(dispatcher, tracker, {})

    checklist = [knowledge_base.procedure(i) for i in MOVING_CHECKLIST]
    assert events == slots("demenagement", None, MOVING_CHECKLIST)
    assert dispatcher.messages == [
        message(
            checklist_text(knowledge_base, knowledge_base.topic("demenagement")),
            procedures_payload(knowledge_base, "demenagement", checklist),
            [procedure_button(p) for p in checklist],
        )
    ]
    assert [p["partner"] for p in dispatcher.messages[0]["custom"]["procedures"]][:4] == [
        "la_poste", "caf", "caf", "cpam"]


async def test_a_precise_need_gets_that_procedure_in_detail(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("j'ai perdu ma carte vitale, comment en avoir une nouvelle ?", "topic_sante")

    events = await ActionAnswerTopic(services).run(dispatcher, tracker, {})

    focus = knowledge_base.procedure("cpam-carte-vitale-perte")
    assert SlotSet("focus_procedure", "cpam-carte-vitale-perte") in events
    assert dispatcher.messages[0]["text"].startswith(procedure_card(knowledge_base, focus))
    assert dispatcher.messages[0]["custom"]["procedures"][0] == {
        "id": "cpam-carte-vitale-perte", "title": focus.title, "partner": "cpam",
        "partner_name": knowledge_base.partner("cpam").name, "url": focus.online_service,
        "service_public": focus.service_public_url, "summary": focus.summary, "steps": list(focus.steps),
        "documents": list(focus.documents), "reviewed": focus.reviewed.isoformat(),
        "sources": [{"title": source.title, "url": source.url} for source in focus.sources],
        "changes": [{"date": change.date.isoformat(), "text": change.text} for change in focus.changes]}


async def test_a_named_partner_narrows_the_answer_to_its_procedures(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("je demenage, faut prevenir la caf ?", "topic_demenagement",
                           entities=[partner_entity("caf")])

    await ActionAnswerTopic(services).run(dispatcher, tracker, {})

    assert {p["partner"] for p in dispatcher.messages[0]["custom"]["procedures"]} == {"caf"}


async def test_a_second_need_in_the_same_message_is_offered_as_a_button(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "topic_naissance", "confidence": 0.55}, {"name": "topic_demenagement", "confidence": 0.35}]
    tracker = make_tracker("on attend un bebe et on demenage", "topic_naissance", ranking=ranking)

    await ActionAnswerTopic(services).run(dispatcher, tracker, {})

    sent = dispatcher.messages[0]
    assert sent["buttons"][-1] == topic_button(knowledge_base.topic("demenagement"))
    assert sent["text"].endswith("Vous parlez aussi de « Déménagement » : je peux vous en donner les démarches.")
    assert sent["custom"]["topic"] == "naissance"


async def test_an_unlikely_second_topic_is_not_offered(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "topic_naissance", "confidence": 0.9}, {"name": "topic_demenagement", "confidence": 0.05}]
    tracker = make_tracker("on attend un bebe", "topic_naissance", ranking=ranking)

    await ActionAnswerTopic(services).run(dispatcher, tracker, {})

    assert "/topic_demenagement" not in [button["payload"] for button in dispatcher.messages[0]["buttons"]]


async def test_and_for_another_partner_follows_up_on_the_same_topic(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("et pour la secu ?", "ask_partner", entities=[partner_entity("cpam")],
                           slots={"topic": "demenagement", "shown_procedures": MOVING_CHECKLIST})

    events = await ActionAnswerFollowUp(services).run(dispatcher, tracker, {})

    focus = knowledge_base.procedure("cpam-changement-adresse")
    assert events == slots("demenagement", "cpam-changement-adresse", ["cpam-changement-adresse"],
                           before={"topic": "demenagement", "shown_procedures": MOVING_CHECKLIST})
    assert dispatcher.messages == [
        message(procedure_card(knowledge_base, focus), procedures_payload(knowledge_base, "demenagement", [focus]))]


async def test_which_papers_lists_the_documents_of_the_procedure_in_focus(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("quels papiers ?", "ask_documents",
                           slots={"topic": "sante", "focus_procedure": "cpam-carte-vitale-perte"})

    await ActionAnswerFollowUp(services).run(dispatcher, tracker, {})

    focus = knowledge_base.procedure("cpam-carte-vitale-perte")
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Documents à avoir sous la main :")
    assert all(f"• {document}" in text for document in focus.documents)
    assert dispatcher.messages[0]["custom"] == procedures_payload(knowledge_base, "sante", [focus])


async def test_a_procedure_button_shows_its_details(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker('/ask_details{"procedure": "ants-passeport"}', "ask_details",
                           entities=[{"entity": "procedure", "value": "ants-passeport"}])

    events = await ActionAnswerFollowUp(services).run(dispatcher, tracker, {})

    passport = knowledge_base.procedure("ants-passeport")
    assert events == slots("papiers_identite", "ants-passeport", ["ants-passeport"])
    assert dispatcher.messages == [
        message(procedure_card(knowledge_base, passport),
                procedures_payload(knowledge_base, "papiers_identite", [passport]))]


async def test_details_among_several_procedures_asks_which_one(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    shown = ["ants-carte-identite", "ants-passeport"]
    tracker = make_tracker("comment on fait ?", "ask_details", slots={"topic": "papiers_identite",
                                                                      "shown_procedures": shown})

    await ActionAnswerFollowUp(services).run(dispatcher, tracker, {})

    procedures = [knowledge_base.procedure(i) for i in shown]
    assert dispatcher.messages == [
        message("De quelle démarche voulez-vous le détail ?",
                procedures_payload(knowledge_base, "papiers_identite", procedures),
                [procedure_button(p) for p in procedures])]


async def test_a_follow_up_without_a_topic_asks_for_one(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("et pour la caf ?", "ask_partner", entities=[partner_entity("caf")])

    events = await ActionAnswerFollowUp(services).run(dispatcher, tracker, {})

    assert events == []
    assert dispatcher.messages[0]["custom"]["type"] == "help"
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        f"/topic_{topic.slug}" for topic in knowledge_base.topics]


async def test_a_procedure_that_often_needs_a_person_offers_an_advisor(knowledge_base, services):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker('/ask_details{"procedure": "justice-divorce"}', "ask_details",
                           entities=[{"entity": "procedure", "value": "justice-divorce"}])

    await ActionAnswerFollowUp(services).run(dispatcher, tracker, {})

    assert knowledge_base.procedure("justice-divorce").needs_advisor
    assert dispatcher.messages[0]["buttons"] == [HUMAN_BUTTON]
    assert "un conseiller France Services peut vous accompagner" in dispatcher.messages[0]["text"]


async def test_answers_and_misunderstandings_are_counted_for_the_report(knowledge_base, session_factory, services):
    await ActionAnswerTopic(services).run(CollectingDispatcher(), make_tracker("je déménage",
                                                                                    "topic_demenagement"), {})
    await ActionHandleFallback(services).run(CollectingDispatcher(), make_tracker("zzz", "nlu_fallback"), {})

    with session_factory() as session:
        [row] = topic_report(session=session)
    assert (row.topic, row.conversations, row.fallback_rate, row.handoff_rate) == ("demenagement", 1, 1.0, 0.0)
