from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import PurePosixPath

import pytest

from assistant.config import SHARED_SHEETS_ARCHIVE
from assistant.sheets.search import SheetSummary
from assistant.sheets.wordings import load_wordings, without_wordings, wordings_digest


def test_each_sheet_keeps_its_phrases_in_order_without_blanks_or_repeats(tmp_path):
    path = tmp_path / "wordings.yml"
    path.write_text('# comment\nF15: ["trop de crédits", "", "trop de crédits", "huissier à la porte"]\n'
                    "F869: [demander un HLM]\nF1427: acte de naissance perdu\nF20:\n", encoding="utf-8")

    assert load_wordings(path) == {"F15": ("trop de crédits", "huissier à la porte"), "F869": ("demander un HLM",),
                                   "F1427": ("acte de naissance perdu",), "F20": ()}


def test_a_file_that_is_not_one_line_per_sheet_is_refused_in_french(tmp_path):
    path = tmp_path / "wordings.yml"
    path.write_text("- trop de crédits\n", encoding="utf-8")

    with pytest.raises(ValueError, match="une fiche par ligne est attendue"):
        load_wordings(path)


def test_the_digest_changes_with_any_phrase():
    wordings = {"F15": ("trop de crédits",), "F869": ("demander un HLM",)}

    assert wordings_digest(wordings) == wordings_digest(dict(reversed(wordings.items())))
    assert wordings_digest(wordings) != wordings_digest({**wordings, "F15": ("trop de crédit",)})
    assert wordings_digest(wordings) != wordings_digest({"F15": ("trop de crédits", "demander un HLM")})


def test_the_fiches_left_without_phrases_are_listed_not_the_forms_or_dossiers():
    sheets = [SheetSummary(sheet_id, "Titre", "", kind, date(2020, 11, 12), ()) for sheet_id, kind in (
        ("F15", "Fiche d'information"), ("F900", "Fiche Question-réponse"), ("F20", "Fiche d'information"),
        ("R1406", "Téléservice"), ("N359", "Dossier"))]

    assert without_wordings(sheets, {"F15": ("trop de crédits",), "F20": ()}) == ["F20", "F900"]


def test_the_shipped_phrases_are_short_and_give_no_amount():
    """Ages, school years and help-line numbers are how people say things; an amount would be a 2020 figure."""
    wordings = load_wordings()

    assert len(wordings) > 2900
    for sheet_id, phrases in wordings.items():
        assert re.fullmatch(r"F\d+", sheet_id), sheet_id
        assert 3 <= len(phrases) <= 6, sheet_id
        for phrase in phrases:
            assert 1 <= len(phrase.split()) <= 9, (sheet_id, phrase)
            assert not re.search(r"\d\s*(€|euros?\b)", phrase), (sheet_id, phrase)


@pytest.mark.skipif(not SHARED_SHEETS_ARCHIVE.exists(), reason="the shared corpus is not beside the project")
def test_the_shipped_phrases_name_sheets_of_the_shared_corpus():
    with zipfile.ZipFile(SHARED_SHEETS_ARCHIVE) as archive:
        in_corpus = {PurePosixPath(name).stem for name in archive.namelist()}

    assert set(load_wordings()) - in_corpus == set()
