"""French answers composed from the knowledge base, shared by the Rasa actions and the `guichet` CLI.

The functions here decide *what* to answer (one procedure in detail, a life event's checklist, or a
short list to choose from) and write it in plain French; the actions only turn the result into Rasa
messages and buttons.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant import contract
from assistant.contract import Slot
from assistant.knowledge import KnowledgeBase, Procedure, Topic
from assistant.text import french_date, of

# A procedure is answered in detail when its score is at least this high and clearly above the next one.
# A life event's words ("je perds mon emploi") match all its procedures a little: a specific need
# must then stand out more before the checklist gives way to a single procedure.
FOCUS_MIN_SCORE = 0.2
LIFE_EVENT_FOCUS_MIN_SCORE = 0.3
FOCUS_MIN_LEAD = 1.25
LIST_LENGTH = 5
# Said instead of silence when a turn fails inside Rasa (assistant/channel.py); the load benchmark counts it.
APOLOGY = ("Désolé, un problème technique m'empêche de vous répondre pour le moment. Renvoyez votre message "
           "dans quelques instants ; si le problème persiste, une France Services peut vous aider.")


@dataclass
class Answer:
    """What to say about procedures: the text, the contract payload, the procedures shown (the one in focus
    first) and the choices to offer as buttons."""

    text: str
    payload: contract.Payload
    procedures: list[Procedure] = field(default_factory=list)
    focus: Procedure | None = None
    procedure_choices: list[Procedure] = field(default_factory=list)
    topic_choices: list[Topic] = field(default_factory=list)
    topic: str | None = None  # the topic the conversation is about after this answer, when it is one

    def reply(self, extra_buttons: Sequence[contract.Button] = ()) -> contract.Reply:
        """The turn: buttons for the choices (and an advisor for a procedure that often needs one), and the
        slots that let a follow-up know what « it » refers to."""
        buttons = [contract.procedure_button(p.id, p.title) for p in self.procedure_choices]
        buttons += [contract.topic_button(t.slug, t.title) for t in self.topic_choices]
        buttons += list(extra_buttons)
        if self.focus is not None and self.focus.needs_advisor:
            buttons.append(contract.HUMAN_BUTTON)
        slots = {} if self.topic is None else {
            Slot.TOPIC: self.topic, Slot.FOCUS_PROCEDURE: self.focus.id if self.focus else None,
            Slot.SHOWN_PROCEDURES: [p.id for p in self.procedures] or None}
        return contract.Reply(text=self.text, payload=self.payload, buttons=buttons, slots=slots)


def procedures_payload(knowledge: KnowledgeBase, topic: str, procedures: Sequence[Procedure]) -> contract.Payload:
    """The integrators' contract for procedure answers (README, « Contract »): enough for a widget to draw
    each procedure as a card and list the documents to bring to the counter."""
    return contract.procedures_payload(topic, [
        contract.procedure_item(id=p.id, title=p.title, partner=p.partner,
                                partner_name=_partner_name(knowledge, p.partner), url=p.online_service,
                                service_public=p.service_public_url, summary=p.summary, steps=p.steps,
                                documents=p.documents, reviewed=p.reviewed.isoformat(),
                                sources=[{"title": s.title, "url": s.url} for s in p.sources],
                                changes=[{"date": c.date.isoformat(), "text": c.text} for c in p.changes])
        for p in procedures])


def answer_topic(
    knowledge: KnowledgeBase, topic_slug: str, message: str, *, partner: str | None = None
) -> Answer:
    """Answer a question about a topic: the best procedure in detail, the checklist, or a short list."""
    topic = knowledge.topic(topic_slug)
    if topic is None:
        raise ValueError(f"unknown topic {topic_slug!r}")
    note = ""
    if partner and not knowledge.procedures_for(topic=topic.slug, partner=partner):
        note = (
            f"Je n'ai pas de démarche {of(_partner_short_name(knowledge, partner))} pour « {topic.title} ». "
            "Voici ce que je peux vous dire sur ce sujet.\n\n"
        )
        partner = None
    candidates = knowledge.procedures_for(topic=topic.slug, partner=partner)
    minimum = LIFE_EVENT_FOCUS_MIN_SCORE if topic.is_life_event and partner is None else FOCUS_MIN_SCORE
    scores = _relevance(knowledge, message, topic.slug, partner, len(candidates))
    ranked = sorted(candidates, key=lambda p: -scores.get(p.id, 0.0))  # stable: no words keep the topic's order
    focus = _clear_best(ranked, scores, minimum)
    if focus is not None:
        others = [p for p in ranked if p.id != focus.id][: LIST_LENGTH - 1]
        text = note + procedure_card(knowledge, focus)
        if others:
            text += "\n\nÀ voir aussi : " + " ; ".join(p.title for p in others) + "."
        return Answer(
            topic=topic.slug, text=text, payload=procedures_payload(knowledge, topic.slug, [focus, *others]),
            procedures=[focus, *others],
            focus=focus, procedure_choices=others,
        )
    if topic.is_life_event and partner is None:
        items = knowledge.checklist(topic.slug)
        procedures = [item.procedure for item in items]
        return Answer(
            topic=topic.slug, text=note + checklist_text(knowledge, topic),
            payload=procedures_payload(knowledge, topic.slug, procedures),
            procedures=procedures, procedure_choices=procedures,
        )
    ranked = ranked[:LIST_LENGTH]
    intro = f"**{topic.title}** : voici les démarches qui correspondent à votre demande."
    lines = [f"{i}. {p.title} ({_partner_short_name(knowledge, p.partner)})" for i, p in enumerate(ranked, 1)]
    text = note + "\n".join([intro, *lines, "", "Dites-moi laquelle vous intéresse pour avoir le détail."])
    return Answer(
        topic=topic.slug, text=text, payload=procedures_payload(knowledge, topic.slug, ranked), procedures=ranked,
        procedure_choices=ranked,
    )


def answer_details(knowledge: KnowledgeBase, topic: str, procedure: Procedure) -> Answer:
    """One procedure in detail: steps, documents, cost, delay and official links."""
    return Answer(
        topic=topic, text=procedure_card(knowledge, procedure),
        payload=procedures_payload(knowledge, topic, [procedure]),
        procedures=[procedure], focus=procedure,
    )


def answer_documents(knowledge: KnowledgeBase, topic: str, procedures: Sequence[Procedure]) -> Answer:
    """The documents to have at hand for the procedures being discussed."""
    blocks = []
    for procedure in procedures:
        documents = "\n".join(f"• {document}" for document in procedure.documents)
        blocks.append(f"**{procedure.title}** ({_partner_short_name(knowledge, procedure.partner)})\n{documents}")
    text = "Documents à avoir sous la main :\n\n" + "\n\n".join(blocks) + "\n\n" + _sources(procedures)
    return Answer(
        topic=topic, text=text, payload=procedures_payload(knowledge, topic, procedures), procedures=list(procedures),
        focus=procedures[0] if len(procedures) == 1 else None,
    )


def ask_which_procedure(knowledge: KnowledgeBase, topic: str, procedures: Sequence[Procedure]) -> Answer:
    return Answer(
        topic=topic, text="De quelle démarche voulez-vous le détail ?",
        payload=procedures_payload(knowledge, topic, procedures),
        procedures=list(procedures), procedure_choices=list(procedures),
    )


def procedure_card(knowledge: KnowledgeBase, procedure: Procedure) -> str:
    """A procedure as a readable card: who, what, how, with which papers, and the official sources."""
    partner = knowledge.partner(procedure.partner)
    lines = [f"**{procedure.title}** — {partner.name if partner else procedure.partner}", procedure.summary,
             f"Pour qui : {procedure.audience}", "", "Étapes :"]
    lines += [f"{number}. {step}" for number, step in enumerate(procedure.steps, 1)]
    lines += ["", "Documents à avoir sous la main :"] + [f"• {document}" for document in procedure.documents]
    costs_and_delays = (("Coût", procedure.cost), ("Délai", procedure.delay))
    practical = [f"{label} : {value}" for label, value in costs_and_delays if value]
    if practical:
        lines += ["", *practical]
    for change in procedure.changes:
        lines.append(f"À partir du {french_date(change.date)} : {change.text}")
    lines += ["", f"Service en ligne : {procedure.online_service}"]
    if procedure.needs_advisor:
        lines.append("Ce dossier peut être complexe : un conseiller France Services peut vous accompagner.")
    lines.append(_sources([procedure]))
    if procedure.sources:
        lines.append("Autres sources : " + " ; ".join(f"{source.title} ({source.url})" for source in procedure.sources))
    return "\n".join(lines)


def checklist_text(knowledge: KnowledgeBase, topic: Topic) -> str:
    """A life event's checklist across partners, in the order to do things."""
    items = knowledge.checklist(topic.slug)
    lines = [f"**{topic.title}** : voici les démarches à faire, dans l'ordre, organisme par organisme."]
    if topic.advice:
        lines += ["", topic.advice + (f" ({topic.advice_url})" if topic.advice_url else "")]
    lines.append("")
    for number, item in enumerate(items, 1):
        partner = _partner_short_name(knowledge, item.procedure.partner)
        lines.append(f"{number}. {item.when} — {item.procedure.title} ({partner}) : {item.procedure.online_service}")
    lines += [
        "",
        "Demandez-moi le détail d'une démarche, par exemple « et pour la CAF ? » ou « quels papiers ? ».",
        _sources(item.procedure for item in items),
    ]
    return "\n".join(lines)


def _sources(procedures: Iterable[Procedure]) -> str:
    procedures = list(procedures)
    urls = list(dict.fromkeys(p.service_public_url for p in procedures if p.service_public_url))
    dates = sorted({p.reviewed for p in procedures})
    if len(dates) == 1:
        checked = f"informations vérifiées le {dates[0]:%d/%m/%Y}"
    else:
        checked = f"informations vérifiées entre le {dates[0]:%d/%m/%Y} et le {dates[-1]:%d/%m/%Y}"
    if not urls:  # no Service Public sheet covers it: its sources follow the card
        return f"Pas de fiche Service Public sur cette démarche ({checked})."
    label = "Fiche officielle" if len(urls) == 1 else "Fiches officielles"
    return f"{label} Service Public : {', '.join(urls)} ({checked})."


def _partner_name(knowledge: KnowledgeBase, slug: str) -> str:
    partner = knowledge.partner(slug)
    return partner.name if partner else slug


def _partner_short_name(knowledge: KnowledgeBase, slug: str) -> str:
    partner = knowledge.partner(slug)
    return partner.short_name if partner else slug


def _relevance(
    knowledge: KnowledgeBase, message: str, topic: str, partner: str | None, count: int
) -> dict[str, float]:
    """Each candidate's similarity to the message, computed once; empty when the message has no words."""
    if not _meaningful(message):
        return {}
    return {hit.procedure.id: hit.score for hit in knowledge.search(message, topic=topic, partner=partner,
                                                                    limit=count)}


def _clear_best(ranked: list[Procedure], scores: dict[str, float], minimum_score: float) -> Procedure | None:
    """The only candidate, or the best one when it scores enough and clearly leads the next."""
    if len(ranked) == 1:
        return ranked[0]
    if not scores:
        return None
    best, second = (scores.get(p.id, 0.0) for p in ranked[:2])
    if best < minimum_score or best < FOCUS_MIN_LEAD * second:
        return None
    return ranked[0]


def _meaningful(message: str) -> bool:
    """Button payloads such as `/topic_logement` carry no words to rank by."""
    return bool(message.strip()) and not message.lstrip().startswith("/")
