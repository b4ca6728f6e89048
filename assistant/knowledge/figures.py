"""Yearly figures (knowledge/figures.yml) cited in the procedures' text as {{id}}.

Amounts, rates, ages, ceilings and deadlines that a law or a yearly revaluation changes live in one file, with
the date they took effect and their source, so that one update changes every procedure citing them. A figure
whose next value is already decided is written with it (« 60 jours, puis 45 jours à partir du 1er juillet
2027 »): a sentence that stays true on both sides of the date; `guichet kb check` lists figures whose next
value has taken effect since, to be updated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from assistant.knowledge.schema import FigureRecord, ProcedureRecord, SourceRecord
from assistant.text import french_date

REFERENCE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
# Text fields of a procedure that may cite figures.
CITING_FIELDS = ("audience", "summary", "steps", "documents", "cost", "delay")


def rendered(figure: FigureRecord) -> str:
    """The figure as the text says it: its value, and the next one when it is already decided."""
    if figure.next is None:
        return figure.value
    return f"{figure.value}, puis {figure.next.value} à partir du {french_date(figure.next.effective)}"


def cite(record: ProcedureRecord, figures: dict[str, FigureRecord], where: str,
         errors: list[str]) -> tuple[ProcedureRecord, set[str]]:
    """The procedure with its {{id}} replaced by the figures' values, its sources completed with the figures'
    sources, and the ids it cited; an unknown id is an error naming the field."""
    cited: set[str] = set()

    def replace(text: str | None, field: str) -> str | None:
        if text is None:
            return None

        def value(match: re.Match) -> str:
            identifier = match.group(1)
            if identifier not in figures:
                errors.append(f"{where}.{field} : chiffre inconnu « {{{{{identifier}}}}} » (absent de figures.yml)")
                return match.group(0)
            cited.add(identifier)
            return rendered(figures[identifier])

        return REFERENCE.sub(value, text)

    update: dict = {}
    for field in CITING_FIELDS:
        current = getattr(record, field)
        if isinstance(current, list):
            update[field] = [replace(item, field) for item in current]
        else:
            update[field] = replace(current, field)
    update["changes"] = [change.copy(update={"text": replace(change.text, "changes")}) for change in record.changes]
    sources, known = list(record.sources), {str(source.url) for source in record.sources}
    for identifier in sorted(cited):
        figure = figures[identifier]
        if str(figure.source) not in known:
            sources.append(SourceRecord(url=figure.source, title=figure.label))
            known.add(str(figure.source))
    update["sources"] = sources
    return record.copy(update=update), cited


def outdated(figures: Iterable[FigureRecord], today: date) -> list[str]:
    """Figures whose next value has taken effect: the file still says the old one first."""
    return [f"figures.yml : figures[{figure.id}] : la valeur « {figure.next.value} » s'applique depuis le "
            f"{french_date(figure.next.effective)} : mettez à jour value et effective"
            for figure in figures if figure.next is not None and figure.next.effective <= today]
