"""What of a sheet to show: its documents section for « quels papiers ? », its key sections for print.

A follow-up such as « et quels papiers ? » wants the part of the sheet listing the documents to bring; an
advisor printing a sheet for a citizen wants its summary, conditions, steps, documents, cost and where to go,
not its legal references. Both are read from the sections the importer kept, in the sheet's own order.
"""

from __future__ import annotations

import re

from assistant.sheets.parser import Section, Sheet

# Chapters worth printing for a citizen, by their title (the last part of « situation › chapitre »).
_KEY_TITLE = re.compile(
    r"de quoi s.agit|qui est concern|conditions?|b[ée]n[ée]ficiaires|d[ée]marches?|proc[ée]dure|demande|"
    r"comment|o[uù] s.adresser|o[uù] faire|pi[eè]ces|documents?|justificatifs?|co[uû]t|prix|montant|d[ée]lais?|"
    r"dur[ée]e|recours|versement",
    re.IGNORECASE,
)
_KEY_KINDS = ("introduction", "situation", "ou_s_adresser", "services")


def documents_sections(sheet: Sheet) -> list[Section]:
    """The sections listing the documents to bring (« Pièces à fournir »…), each situation's own; empty when
    the sheet has none (then the whole sheet is the answer, through its link)."""
    return [section for section in sheet.sections if section.about_documents]


def key_sections(sheet: Sheet) -> list[Section]:
    """The sections of a printable summary: introduction, situations, and the chapters about who, how,
    documents, cost, delays and where to go, plus « où s'adresser » and the online services. A short sheet
    (a question-réponse) is printed whole."""
    if len(sheet.sections) <= 3:
        return list(sheet.sections)
    return [section for section in sheet.sections
            if section.kind in _KEY_KINDS or section.about_documents
            or (section.kind in ("chapitre", "texte") and _KEY_TITLE.search(section.title.rsplit("›", 1)[-1]))]
