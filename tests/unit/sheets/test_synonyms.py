from __future__ import annotations

import pytest

from assistant.sheets.synonyms import Entry, QueryRewriter
from assistant.text import fold

REWRITER = QueryRewriter.from_file()


@pytest.mark.parametrize("entry", REWRITER.synonyms, ids=lambda entry: entry.written[0])
def test_every_synonym_adds_its_official_terms_to_each_way_it_is_written(entry):
    for form in entry.written:
        normalised = REWRITER.normalise(form)
        assert normalised == form, f"« {form} » est réécrit en « {normalised} » avant d'être cherché"
        added = REWRITER.additions(normalised)
        missing = [term for term in entry.official if term not in added and f" {term} " not in f" {form} "]
        assert missing == [], f"« {form} » n'ajoute pas {missing}"


@pytest.mark.parametrize("entry", REWRITER.spellings, ids=lambda entry: entry.written[0])
def test_every_spelling_is_replaced_by_what_it_means(entry):
    for form in entry.written:
        assert REWRITER.normalise(f"alors {form} voila") == " ".join(f"alors {entry.official[0]} voila".split())


def test_the_list_is_not_empty_and_written_as_people_type():
    assert len(REWRITER.synonyms) >= 100 and len(REWRITER.spellings) >= 20
    every_form = [form for entry in REWRITER.synonyms + REWRITER.spellings for form in entry.written]
    assert all(form == fold(form) for form in every_form)


@pytest.mark.parametrize(("question", "rewritten"), [
    ("g perdu ma CNI", "j ai perdu ma cni carte nationale d identite"),
    ("Ma fille a 18 ans, elle peut avoir la CMI ?",
     "ma fille a 18 ans elle peut avoir la cmi carte mobilite inclusion"),
    ("c koi la CSS", "c est quoi la css complementaire sante solidaire"),
    ("je suis surendetté", "je suis surendette surendettement"),
    ("inscrit à France Travail", "inscrit a france travail inscription pole emploi"),
    ("mon proprio garde ma caution", "mon proprio garde ma caution proprietaire bailleur depot de garantie"),
    ("un cafetier", "un cafetier"),  # « caf » inside a word is not the CAF
])
def test_questions_are_rewritten_with_the_sheets_terms(question, rewritten):
    assert REWRITER.rewrite(question) == rewritten


def test_longer_forms_win_and_terms_are_added_once():
    rewriter = QueryRewriter([Entry(("g",), ("j ai",))], [
        Entry(("pole emploi",), ("pole emploi",)), Entry(("emploi", "chomage"), ("travail",)),
        Entry(("apl",), ("aides au logement",)), Entry(("als",), ("aides au logement",))])

    assert rewriter.rewrite("g pole emploi") == "j ai pole emploi"
    assert rewriter.rewrite("apl ou als chomage") == "apl ou als chomage aides au logement travail"
