from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyNLP

from assistant.rasa_spacy import SpacyNLPWithoutNER

MESSAGES = ["j'ai perdu ma carte vitale à Paris", "je déménage, qui dois-je prévenir ?",
            "France Services près de 77120"]


@pytest.fixture(scope="module")
def models():
    return SpacyNLP.load_model("fr_core_news_sm").model, SpacyNLPWithoutNER.load_model("fr_core_news_sm").model


def test_the_named_entity_recogniser_is_left_out(models):
    full, without_ner = models

    assert "ner" in full.pipe_names
    assert "ner" not in without_ner.pipe_names
    assert [name for name in full.pipe_names if name != "ner"] == without_ner.pipe_names


@pytest.mark.parametrize("text", MESSAGES)
def test_tokens_lemmas_and_vectors_are_unchanged(models, text):
    full, without_ner = models
    expected, actual = full(text), without_ner(text)

    assert [(token.text, token.lemma_) for token in actual] == [(token.text, token.lemma_) for token in expected]
    assert np.array_equal(actual.vector, expected.vector)


def test_no_entities_are_looked_for(models):
    full, without_ner = models

    assert [ent.text for ent in full(MESSAGES[0]).ents] == ["Paris"]
    assert not without_ner(MESSAGES[0]).ents


def test_it_provides_its_own_model_to_its_process_node():
    """The recipe links a loader's process node to the provider whose class name is `model_from`."""
    registered = DefaultV1Recipe._from_registry("assistant.rasa_spacy.SpacyNLPWithoutNER")

    assert registered.clazz is SpacyNLPWithoutNER
    assert registered.model_from == SpacyNLPWithoutNER.__name__
    assert DefaultV1Recipe.ComponentType.MODEL_LOADER in registered.types


def test_the_model_is_loaded_once_for_every_graph_that_asks_for_it():
    first = SpacyNLPWithoutNER.load_model("fr_core_news_sm")

    assert SpacyNLPWithoutNER.load_model("fr_core_news_sm") is first
