from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyNLP

from assistant.rasa_spacy import SpacyNLPTokensOnly, SpacyNLPWithoutNER

MESSAGES = ["j'ai perdu ma carte vitale à Paris", "je déménage, qui dois-je prévenir ?",
            "France Services près de 77120", "ma fille a 18 ans elle peut avoir la CMI ?", "c'est pour l'AAH…"]


@pytest.fixture(scope="module")
def models():
    return (SpacyNLP.load_model("fr_core_news_sm").model, SpacyNLPWithoutNER.load_model("fr_core_news_sm").model,
            SpacyNLPTokensOnly.load_model("fr_core_news_sm").model)


def test_the_named_entity_recogniser_is_left_out(models):
    full, without_ner, _ = models

    assert "ner" in full.pipe_names
    assert "ner" not in without_ner.pipe_names
    assert [name for name in full.pipe_names if name != "ner"] == without_ner.pipe_names


@pytest.mark.parametrize("text", MESSAGES)
def test_tokens_lemmas_and_vectors_are_unchanged_without_ner(models, text):
    full, without_ner, _ = models
    expected, actual = full(text), without_ner(text)

    assert [(token.text, token.lemma_) for token in actual] == [(token.text, token.lemma_) for token in expected]
    assert np.array_equal(actual.vector, expected.vector)


def test_no_entities_are_looked_for(models):
    full, without_ner, _ = models

    assert [ent.text for ent in full(MESSAGES[0]).ents] == ["Paris"]
    assert not without_ner(MESSAGES[0]).ents


def test_tokens_only_runs_no_pipe(models):
    full, _, tokens_only = models

    assert full.pipe_names and tokens_only.pipe_names == []
    assert not tokens_only(MESSAGES[0])[0].lemma_  # nothing tags or lemmatises


@pytest.mark.parametrize("text", MESSAGES)
def test_tokens_only_gives_the_same_words_at_the_same_offsets(models, text):
    """What SpacyTokenizer and the entity extractor read: each token's text and position."""
    full, _, tokens_only = models

    assert [(token.text, token.idx) for token in tokens_only(text)] == [(token.text, token.idx) for token in full(text)]


@pytest.mark.parametrize("loader", [SpacyNLPWithoutNER, SpacyNLPTokensOnly])
def test_each_provides_its_own_model_to_its_process_node(loader):
    """The recipe links a loader's process node to the provider whose class name is `model_from`."""
    registered = DefaultV1Recipe._from_registry(f"assistant.rasa_spacy.{loader.__name__}")

    assert registered.clazz is loader
    assert registered.model_from == loader.__name__
    assert DefaultV1Recipe.ComponentType.MODEL_LOADER in registered.types


@pytest.mark.parametrize("loader", [SpacyNLPWithoutNER, SpacyNLPTokensOnly])
def test_the_model_is_loaded_once_for_every_graph_that_asks_for_it(loader):
    first = loader.load_model("fr_core_news_sm")

    assert loader.load_model("fr_core_news_sm") is first
