"""Rasa's spaCy loader without spaCy's named-entity recogniser, which nothing in guichet's pipeline reads.

Rasa's `SpacyNLP` loads the model with only the dependency parser disabled, so every parsed message also runs
fr_core_news_sm's NER, which has its own token-to-vector layers: more than half of spaCy's time per message
(measured: 3.9 ms with it, 1.7 ms without), for entities no component uses. The tokenizer (words and
lemmas) and the featurizer (tok2vec vectors) read what the other pipes produce, so leaving NER out changes
none of their features.

Rasa's server builds the model's graph twice when it starts, and each build loaded the spaCy model again (3 to 4 s
and its memory each time): the model loaded once serves both, as it is only read.
"""

from __future__ import annotations

from functools import cache

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP

UNUSED_PIPES = ("ner",)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLPWithoutNER",
)
class SpacyNLPWithoutNER(SpacyNLP):
    """`SpacyNLP` (Rasa's checks and errors included) with the unused pipes left out of the loaded model."""

    @staticmethod
    @cache
    def load_model(spacy_model_name: str) -> SpacyModel:
        loaded = SpacyNLP.load_model(spacy_model_name)
        for name in UNUSED_PIPES:
            if name in loaded.model.pipe_names:
                loaded.model.remove_pipe(name)
        return loaded
