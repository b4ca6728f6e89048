"""guichet kb audit: each procedure against its Service Public sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.config import SHARED_SHEETS_ARCHIVE
from assistant.knowledge.audit import (
    GENERAL,
    MISSING,
    NEWER,
    NO_SHEET,
    OFF_TOPIC,
    OK,
    PROFESSIONALS,
    TO_REVIEW,
    audit,
    problems,
)
from assistant.sheets.importer import parse_archive, read_archive
from assistant.sheets.search import SheetSearch
from tests.unit.sheets.test_search import CORPUS


@pytest.fixture(scope="module")
def small_search():
    return SheetSearch(CORPUS, wordings={})


def procedure_citing(knowledge_base, sheet_id: str | None, **fields):
    base = knowledge_base.procedure("ants-passeport")
    space = fields.pop("space", "particuliers")
    url = f"https://www.service-public.gouv.fr/{space}/vosdroits/{sheet_id}" if sheet_id else None
    return replace(base, service_public_reference=sheet_id, service_public_url=url, **fields)


@pytest.mark.parametrize(("sheet_id", "fields", "status"), [
    ("F1342", {"title": "Carte d'identité d'un mineur", "reviewed": date(2026, 12, 2)}, OK),
    ("F1342", {"title": "Carte d'identité d'un mineur", "reviewed": date(2020, 1, 1)}, TO_REVIEW),
    ("N359", {"title": "Copie d'acte de naissance"}, GENERAL),
    ("F12484", {"title": "Passeport d'un majeur", "keywords": ("passeport",)}, OFF_TOPIC),
    ("F99999", {}, NEWER),
    ("F100", {}, MISSING),
    ("F23961", {"space": "professionnels-entreprises"}, PROFESSIONALS),
    (None, {}, NO_SHEET),
])
def test_each_procedure_is_compared_with_its_sheet(knowledge_base, small_search, sheet_id, fields, status):
    procedure = procedure_citing(knowledge_base, sheet_id, **fields)
    knowledge = type("Base", (), {"procedures": [procedure]})()

    [line] = audit(knowledge, {sheet.id: sheet for sheet in small_search.sheets}, small_search)

    assert line.status == status


@pytest.mark.slow
def test_the_curated_base_cites_sheets_that_exist_are_specific_and_about_it(knowledge_base):
    """On the shared copy of the corpus (November 2020): what the README says `guichet kb audit` reports."""
    contents = parse_archive(read_archive(SHARED_SHEETS_ARCHIVE))
    search = SheetSearch([item.sheet for item in contents.sheets])

    lines = audit(knowledge_base, {sheet.id: sheet for sheet in search.sheets}, search)

    assert [(line.procedure.id, line.status) for line in problems(lines)] == []
    assert {line.status for line in lines} <= {OK, NEWER, PROFESSIONALS, NO_SHEET}
