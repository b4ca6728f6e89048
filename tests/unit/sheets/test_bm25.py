from __future__ import annotations

import numpy as np

from assistant.sheets.bm25 import BM25, scores

DOCUMENTS = [["carte", "identite", "mineur"], ["carte", "vitale", "perte", "carte"], ["acte", "naissance"], [],
             ["perte", "carte", "identite"]]


def index() -> BM25:
    built = BM25()
    built.index(DOCUMENTS, show_progress=False)
    return built


def test_sums_the_same_scores_as_bm25s():
    bm25 = index()

    for stems in (["carte"], ["perte", "identite"], ["carte", "carte", "naissance"], ["acte"]):
        np.testing.assert_allclose(scores(bm25, stems), bm25.get_scores(stems), rtol=1e-6)


def test_a_question_with_no_known_stem_scores_nothing():
    result = scores(index(), [])

    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, np.zeros(len(DOCUMENTS)))
