from __future__ import annotations

import pytest

from assistant.geo.names import EXACT, FUZZY, PARTIAL, NameIndex, typo_tolerance

POPULATION = {"fort de france": 80_000, "st fort": 1_700, "brive la gaillarde": 47_000, "brives": 900,
              "carhaix plouguer": 7_000, "mael carhaix": 1_500, "coulommiers": 14_800, "colomiers": 39_000,
              "bordeaux": 254_000, "bourdeau": 600, "maisons alfort": 55_000, "maisons": 400, "isle adam": 12_000}


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return NameIndex(POPULATION, POPULATION.__getitem__)


@pytest.mark.parametrize(
    ("typed", "quality", "keys"),
    [
        ("fort de france", EXACT, ("fort de france",)),
        ("st fort", EXACT, ("st fort",)),
        ("maisons alfort", EXACT, ("maisons alfort",)),
        ("brive", PARTIAL, ("brive la gaillarde",)),
        ("carhaix", PARTIAL, ("carhaix plouguer",)),  # the name it starts before the one it ends
        ("fort de frnace", FUZZY, ("fort de france",)),  # two letters swapped count as one
        ("coulomiers", FUZZY, ("coulommiers",)),  # a doubled letter typed once beats Colomiers
        ("bordeau", FUZZY, ("bordeaux", "bourdeau")),  # as close: both, the most populated first
        ("lisle adam", FUZZY, ("isle adam",)),  # L'Isle-Adam, its apostrophe left out
    ],
)
def test_runs_of_words_match_names(names, typed, quality, keys):
    match = names.match(typed.split())

    assert (match.quality, match.keys) == (quality, keys)


def test_words_of_a_request_are_never_matched_loosely(names):
    assert names.match(["maison"]) is None  # not Maisons
    assert names.match(["frances"]) is None  # not France, as in Fort-de-France


@pytest.mark.parametrize(("word", "run", "tolerance"),
                         [("gerarmer", 1, 2), ("vezoul", 1, 1), ("pite", 3, 1), ("pite", 1, 0), ("ales", 1, 0),
                          ("services", 1, 0), ("77120", 1, 0)])
def test_typo_tolerance_grows_with_the_word(word, run, tolerance):
    assert typo_tolerance(word, run) == tolerance


def test_a_first_letter_typed_wrong_is_not_guessed(names):
    assert names.match(["voulommiers"]) is None
