"""French answers from the service-public.fr sheets: the best sheets for a question, one sheet's key sections,
or its documents section for « et quels papiers ? ».

Every sheet shown carries its own date and the link to its live page: the copy guichet reads may be years
old (the shared one is of November 2020), so an answer never states an amount or a rule as today's; it says
what the sheet is about and sends the citizen to the current text.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant import contract
from assistant.contract import Reply, Slot
from assistant.sheets.content import documents_sections, key_sections
from assistant.sheets.parser import FAMILY_LABELS, Section, Sheet
from assistant.sheets.search import SheetHit, SheetSummary

SECTION_LENGTH = 700  # characters of a section shown in the chat; the whole text is on the live page
DATE_WARNING = ("Ces fiches peuvent avoir changé depuis leur date de mise à jour : lisez la version à jour en "
                "suivant le lien, et demandez à un conseiller France Services en cas de doute.")


def sheet_item(sheet: SheetSummary | Sheet) -> contract.SheetItem:
    return contract.sheet_item(id=sheet.id, title=sheet.title, description=sheet.description, url=sheet.url,
                               updated=sheet.modified.isoformat(), type=sheet.family)  # type: ignore[arg-type]


def sheet_items(hits: Sequence[SheetHit]) -> list[contract.SheetItem]:
    return [sheet_item(hit.sheet) for hit in hits[:contract.SHEETS_SHOWN]]


def dated(sheet: SheetSummary | Sheet) -> str:
    return f"fiche mise à jour le {sheet.modified:%d/%m/%Y}"


def answer_sheets(hits: Sequence[SheetHit]) -> Reply:
    """The best sheets for a question outside the curated procedures: title, one line, date and link each,
    buttons to read them here, and a person on offer."""
    shown = list(hits[:contract.SHEETS_SHOWN])
    lines = ["Voici les fiches officielles de service-public.fr qui correspondent à votre question :"]
    for number, hit in enumerate(shown, 1):
        sheet = hit.sheet
        lines.append(f"{number}. **{sheet.title}** ({FAMILY_LABELS[sheet.family]}, {dated(sheet)})\n"
                     f"{sheet.description}\n{sheet.url}")
    lines += [DATE_WARNING, "Je peux aussi transmettre votre question à un conseiller France Services."]
    buttons = [contract.sheet_button(hit.sheet.id, hit.sheet.title) for hit in shown] + [contract.HUMAN_BUTTON]
    return Reply(text="\n\n".join(lines), payload=contract.sheets_payload(sheet_items(shown)), buttons=buttons,
                 slots=sheets_shown([hit.sheet.id for hit in shown]))


def answer_sheet_sections(sheet: Sheet, *, documents: bool, others: Sequence[str] = ()) -> Reply:
    """One sheet read in the chat: its documents section (« quels papiers ? ») or its key sections, cut short,
    with its date and live link."""
    sections = documents_sections(sheet) if documents else key_sections(sheet)
    intro = f"**{sheet.title}** ({dated(sheet)})"
    if documents and not sections:
        body = ["Cette fiche ne liste pas de pièces à fournir : lisez-la en entier sur le site."]
    else:
        body = [_section_text(section, sheet) for section in sections[:4]]
        if len(sections) > 4:
            body.append("La suite est sur la fiche en ligne.")
    text = "\n\n".join([intro, *body, f"Version à jour : {sheet.url}", DATE_WARNING])
    return Reply(text=text, payload=contract.sheets_payload([sheet_item(sheet)]),
                 buttons=[contract.HUMAN_BUTTON], slots=sheets_shown([sheet.id, *others]))


def sheets_shown(sheet_ids: Sequence[str]) -> dict:
    """What a sheets answer leaves for a follow-up: the sheets shown, and no procedure in focus."""
    return {Slot.SHOWN_SHEETS: list(sheet_ids) or None, Slot.TOPIC: None, Slot.FOCUS_PROCEDURE: None,
            Slot.SHOWN_PROCEDURES: None}


def _section_text(section: Section, sheet: Sheet) -> str:
    text = section.text if len(section.text) <= SECTION_LENGTH else section.text[:SECTION_LENGTH - 1] + "…"
    return f"**{section.title or sheet.title}**\n{text}"
