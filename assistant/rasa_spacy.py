"""Rasa's spaCy loader, with the spaCy pipes that nothing in the pipeline reads left out of the model.

Rasa's `SpacyNLP` loads fr_core_news_sm with only the dependency parser disabled, and parses every message with
everything else. What guichet's pipeline reads of spaCy's work is the tokens: `SpacyTokenizer` turns them into
Rasa's tokens for the entity extractor (whose features are the words' own letters: case, prefixes, suffixes,
digits), and the intent classifier reads the raw text. The tagger, parser, lemmatiser and their shared
token-to-vector layer, and the named-entity recogniser with its own, only cost time: with them a message took
8.2 ms of CPU to parse, tokens only 4.2 ms, with the same intents, confidences and entities for all 454 messages
of the two NLU evaluation sets (measured 2026-12-02).

`SpacyNLPWithoutNER` keeps everything but the entity recogniser, for configurations of bench/nlu.py that read
spaCy's word vectors (`SpacyFeaturizer`) or lemmas; `SpacyNLPTokensOnly` is config.yml's.

Rasa's server builds the model's graph twice when it starts, and each build loaded the spaCy model again (3 to 4 s
and its memory each time): the model loaded once serves both, as it is only read.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP

LOADER_TYPES = [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER]


@cache
def load_without(spacy_model_name: str, unused_pipes: tuple[str, ...]) -> SpacyModel:
    """The model as Rasa loads it (its checks and errors included), without `unused_pipes`; loaded once."""
    loaded = SpacyNLP.load_model(spacy_model_name)
    for name in unused_pipes:
        if name in loaded.model.pipe_names:
            loaded.model.remove_pipe(name)
    return loaded


@DefaultV1Recipe.register(LOADER_TYPES, is_trainable=False, model_from="SpacyNLPWithoutNER")
class SpacyNLPWithoutNER(SpacyNLP):
    """`SpacyNLP` with the named-entity recogniser left out."""

    UNUSED_PIPES: ClassVar[tuple[str, ...]] = ("ner",)

    @classmethod
    def load_model(cls, spacy_model_name: str) -> SpacyModel:
        return load_without(spacy_model_name, cls.UNUSED_PIPES)


@DefaultV1Recipe.register(LOADER_TYPES, is_trainable=False, model_from="SpacyNLPTokensOnly")
class SpacyNLPTokensOnly(SpacyNLPWithoutNER):
    """`SpacyNLP` reduced to spaCy's tokenizer: words and their offsets, no tags, lemmas, parse or vectors."""

    UNUSED_PIPES: ClassVar[tuple[str, ...]] = (
        "tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")
