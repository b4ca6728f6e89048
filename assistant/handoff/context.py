"""What is passed on to the advisor, built from the conversation and shown to the user before consent.

The user's words are redacted here (assistant/privacy/redaction.py), so that the user is shown exactly what
the ticket will store: no social security, IBAN, card or tax number, e-mail address or phone number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.geo.communes import Commune
from assistant.handoff.tickets import redact_transcript
from assistant.knowledge import KnowledgeBase
from assistant.privacy.redaction import redact

SUMMARY_MESSAGES = 3
SUMMARY_LENGTH = 300
TRANSCRIPT_TURNS = 40


@dataclass(frozen=True)
class HandoffContext:
    summary: str
    topic: str | None = None
    topic_title: str | None = None
    procedures: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    commune: Commune | None = None
    transcript: list[dict] = field(default_factory=list)  # [{"author": "user"|"bot", "text": …}]

    def payload(self) -> dict:
        return {"topic": self.topic, "procedures": [identifier for identifier, _ in self.procedures],
                "commune": self.commune.name if self.commune else None, "summary": self.summary}


def build_context(knowledge: KnowledgeBase, *, topic: str | None, procedure_ids: Sequence[str],
                  commune: Commune | None, requests: Sequence[str], transcript: Sequence[dict]) -> HandoffContext:
    """`requests`: what the user asked, in their words, oldest first (greetings and button clicks left out)."""
    topic_row = knowledge.topic(topic) if topic else None
    procedures = [(p.id, p.title) for p in map(knowledge.procedure, dict.fromkeys(procedure_ids)) if p]
    return HandoffContext(summary=summarise(requests), topic=topic_row.slug if topic_row else None,
                          topic_title=topic_row.title if topic_row else None, procedures=procedures,
                          commune=commune, transcript=redact_transcript(list(transcript)[-TRANSCRIPT_TURNS:]))


def summarise(requests: Sequence[str]) -> str:
    """The user's latest requests, in their words (redacted): the advisor reads the need before the transcript."""
    kept = [" ".join(redact(text).split()) for text in requests if text.strip()][-SUMMARY_MESSAGES:]
    summary = " / ".join(f"« {text} »" for text in kept) or "Aucune demande écrite."
    return summary if len(summary) <= SUMMARY_LENGTH else summary[: SUMMARY_LENGTH - 1] + "…"


def describe(context: HandoffContext) -> str:
    """The lines shown to the user: exactly what the advisor will receive."""
    lines = [f"• Votre demande : {context.summary}"]
    if context.topic_title:
        lines.append(f"• Thème : {context.topic_title}")
    if context.procedures:
        lines.append("• Démarches consultées : " + ", ".join(title for _, title in context.procedures))
    if context.commune:
        lines.append(f"• Commune : {context.commune.name} ({context.commune.department})")
    lines.append("• L'historique de notre conversation")
    return "\n".join(lines)
