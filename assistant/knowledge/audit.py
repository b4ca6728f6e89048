"""Is each curated procedure's Service Public sheet the right one, and is the procedure still up to date with it?

For advisors who maintain the base (`guichet kb audit`): each procedure's `service_public` sheet must exist in
the imported corpus, be a page about that procedure (not a dossier or theme page that only lists others, nor a
sheet about something else), and not have changed after the procedure was last reviewed. The sheet's title is
shown beside the procedure's, so that a person decides; the checks only point at what to look at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.knowledge import KnowledgeBase, Procedure
from assistant.sheets.analysis import analyse
from assistant.sheets.search import SheetSearch, SheetSummary
from assistant.text import fold

OK, MISSING, GENERAL, OFF_TOPIC, TO_REVIEW = "ok", "introuvable", "page générale", "hors sujet ?", "à revoir"
# Not problems, said so that a person knows what was not checked.
NEWER, PROFESSIONALS, NO_SHEET = "plus récente que le corpus", "espace professionnels", "sans fiche"
PROBLEMS = {MISSING, GENERAL, OFF_TOPIC, TO_REVIEW}
GENERAL_FAMILIES = {"dossier"}
SHEET_NUMBER = re.compile(r"^([FNR])(\d+)$")
# The procedure's own sheet should come among the first sheets found for its title and keywords.
SEARCH_DEPTH = 10


@dataclass(frozen=True)
class AuditLine:
    procedure: Procedure
    sheet: SheetSummary | None
    status: str
    detail: str = ""


def audit(knowledge: KnowledgeBase, sheets: Mapping[str, SheetSummary], search: SheetSearch) -> list[AuditLine]:
    """One line per procedure, in the base's order."""
    newest = _newest_numbers(sheets)
    return [_audit_one(procedure, sheets.get(procedure.service_public_reference or ""), search, newest)
            for procedure in knowledge.procedures]


def _newest_numbers(sheets: Mapping[str, SheetSummary]) -> dict[str, int]:
    """The highest number of each kind of sheet (F, N, R) in the corpus: DILA numbers new sheets upwards."""
    newest: dict[str, int] = {}
    for sheet_id in sheets:
        if match := SHEET_NUMBER.match(sheet_id):
            newest[match[1]] = max(newest.get(match[1], 0), int(match[2]))
    return newest


def _absent(procedure: Procedure, newest: dict[str, int]) -> AuditLine:
    reference = procedure.service_public_reference
    if reference is None:
        return AuditLine(procedure, None, NO_SHEET, "aucune fiche Service Public : les sources de la démarche font foi")
    if "/professionnels-entreprises/" in (procedure.service_public_url or ""):
        return AuditLine(procedure, None, PROFESSIONALS, "fiche de l'espace professionnels, hors du corpus importé")
    match = SHEET_NUMBER.match(reference)
    if match and int(match[2]) > newest.get(match[1], 0):
        return AuditLine(procedure, None, NEWER, "fiche créée après la copie importée : vérifiez-la en ligne")
    return AuditLine(procedure, None, MISSING, "cette fiche n'existe pas dans le corpus : référence fausse ?")


def _audit_one(procedure: Procedure, sheet: SheetSummary | None, search: SheetSearch,
               newest: dict[str, int]) -> AuditLine:
    if sheet is None:
        return _absent(procedure, newest)
    if sheet.family in GENERAL_FAMILIES:
        return AuditLine(procedure, sheet, GENERAL, "un dossier qui liste d'autres fiches : citez la fiche précise")
    if not _about(procedure, sheet, search):
        return AuditLine(procedure, sheet, OFF_TOPIC, "ni le titre ni la recherche ne rapprochent la fiche de la "
                                                      "démarche")
    if sheet.modified > procedure.reviewed:
        return AuditLine(procedure, sheet, TO_REVIEW, f"fiche modifiée le {sheet.modified:%d/%m/%Y}, démarche "
                                                      f"vérifiée le {procedure.reviewed:%d/%m/%Y}")
    return AuditLine(procedure, sheet, OK)


def _about(procedure: Procedure, sheet: SheetSummary, search: SheetSearch) -> bool:
    """The sheet shares words with the procedure's title, or the search finds it for the procedure."""
    procedure_stems = set(analyse(fold(procedure.title)))
    sheet_stems = set(analyse(fold(f"{sheet.title} {sheet.description}")))
    if procedure_stems & sheet_stems:
        return True
    query = " ".join([procedure.title, *procedure.keywords])
    return any(hit.sheet.id == sheet.id for hit in search.search(query, limit=SEARCH_DEPTH))


def problems(lines: Sequence[AuditLine]) -> list[AuditLine]:
    return [line for line in lines if line.status in PROBLEMS]


def remarks(lines: Sequence[AuditLine]) -> list[AuditLine]:
    """Problems and what could not be checked."""
    return [line for line in lines if line.status != OK]
