from assistant.text import fold


def test_fold_removes_case_accents_ligatures_and_punctuation():
    assert fold("  Chèque Énergie !  L'Œuvre, cœur… ") == "cheque energie l oeuvre coeur"
