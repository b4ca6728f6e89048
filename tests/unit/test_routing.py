from __future__ import annotations

import pytest

from assistant.routing import Evidence, Route, Thresholds, route

THRESHOLDS = Thresholds(agreement_depth=3, sure_topic=0.85, unsure_sheets=0.45, sheets_answer=0.40,
                        sheets_over_out_of_scope=0.75)
TOPIC_SHEETS = frozenset({"F1342", "F1341"})


def evidence(topic="papiers_identite", confidence=0.6, sheets=("F21032", "F2213"), best=0.7, **fields):
    return Evidence(topic=topic, topic_confidence=confidence, sheet_ids=list(sheets), sheet_confidence=best,
                    topic_sheet_ids=TOPIC_SHEETS, **fields)


@pytest.mark.parametrize(("case", "expected"), [
    # The sheets found include one the topic's procedures follow: the curated answer.
    (evidence(sheets=("F2213", "F1342")), Route.CURATED),
    # Agreement is looked for among the first sheets only.
    (evidence(sheets=("F1", "F2", "F3", "F1342")), Route.SHEETS),
    # The classifier is sure and the sheets are not: the curated answer.
    (evidence(confidence=0.9, best=0.3), Route.CURATED),
    # Sure classifier, sure sheets elsewhere: the sheets (« titre de séjour » read as identity papers).
    (evidence(confidence=0.9, best=0.7), Route.SHEETS),
    # Unsure classifier, sure sheets elsewhere: the sheets.
    (evidence(confidence=0.5, best=0.5), Route.SHEETS),
    # Nobody is sure: not understood, rather than an answer beside the question.
    (evidence(confidence=0.5, best=0.3), Route.NOT_UNDERSTOOD),
    (evidence(topic=None, confidence=0.0, sheets=(), best=0.0), Route.NOT_UNDERSTOOD),
    # A message read as not administrative stays so unless the sheets are very sure.
    (evidence(topic=None, best=0.7, out_of_scope=True), Route.OUT_OF_SCOPE),
    (evidence(topic=None, best=0.8, out_of_scope=True), Route.SHEETS),
])
def test_the_answer_that_fits(case, expected):
    assert route(case, THRESHOLDS) is expected


def test_beside_a_curated_answer_the_best_sheets_keep_the_one_that_agreed():
    from datetime import date

    from assistant.sheets.search import SheetHit, SheetSummary
    from assistant.turns import related_sheets

    def hit(sheet_id):
        return SheetHit(SheetSummary(sheet_id, sheet_id, "", "Fiche d'information", date(2020, 1, 1), ()), 1.0, 0.5)

    hits = [hit("F10434"), hit("F1"), hit("F2"), hit("F134")]

    assert [h.sheet.id for h in related_sheets(hits, frozenset({"F134"}))] == ["F10434", "F1", "F134"]
    assert [h.sheet.id for h in related_sheets(hits, frozenset({"F1"}))] == ["F10434", "F1", "F2"]
