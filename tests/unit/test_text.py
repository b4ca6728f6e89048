import pytest

from assistant.text import fold, storable


def test_fold_removes_case_accents_ligatures_and_punctuation():
    assert fold("  Chèque Énergie !  L'Œuvre, cœur… ") == "cheque energie l oeuvre coeur"


@pytest.mark.parametrize(("value", "expected"), [
    ("carte vitale 🙂 <script>", True), ("", True), ("a\x00b", False), ("moitié \ud83d d'emoji", False)])
def test_only_text_a_database_can_store_is_storable(value, expected):
    assert storable(value) is expected
