import pytest

from assistant.text import fold, of, storable


def test_fold_removes_case_accents_ligatures_and_punctuation():
    assert fold("  Chèque Énergie !  L'Œuvre, cœur… ") == "cheque energie l oeuvre coeur"


@pytest.mark.parametrize(("value", "expected"), [
    ("carte vitale 🙂 <script>", True), ("", True), ("a\x00b", False), ("moitié \ud83d d'emoji", False)])
def test_only_text_a_database_can_store_is_storable(value, expected):
    assert storable(value) is expected


@pytest.mark.parametrize(("phrase", "expected"), [
    ("le chèque énergie", "du chèque énergie"), ("les impôts", "des impôts"), ("la CAF", "de la CAF"),
    ("l'Urssaf", "de l'Urssaf"), ("France Travail", "de France Travail"),
    ("le ministère de l'Intérieur", "du ministère de l'Intérieur")])
def test_de_is_contracted_as_french_requires(phrase, expected):
    assert of(phrase) == expected
