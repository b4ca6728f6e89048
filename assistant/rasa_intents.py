"""guichet's intent classifier for Rasa: a linear model over TF-IDF character and word n-grams, in seconds.

DIET (Rasa's default) trained for 10 minutes on this 2-core machine — about 12 s per epoch whatever its size,
with its graph tracing on top — for ~1,900 short messages and 31 intents. On the two held-out sets of
bench/nlu.py, a linear support-vector classifier over TF-IDF features of the message as people type it
(lower case, accents dropped: « demenager » and « déménager » are one word) classifies as well or better, and
trains in a few seconds (README, « NLU benchmark »). Its scores are turned into probabilities by isotonic
calibration on cross-validation folds, so that the FallbackClassifier's threshold and the open-world routing
read a confidence that means « this often right ».

The model is saved with skops, not pickle, and loading accepts only the scikit-learn types this module builds.
At each message, the probabilities are computed from the fitted model's own arrays (`fast_probabilities`): the
same numbers as scikit-learn's `predict_proba`, without its per-call validation of 5 × 31 calibrators, which
took half of the Rasa server's time per turn (bench/throughput.py, profiled with py-spy).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.svm import LinearSVC

from assistant.text import unaccented

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intents.skops"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intents from TF-IDF n-grams (characters within words, and words) by a calibrated linear SVM."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "min_char_ngram": 2,
            "max_char_ngram": 5,
            "max_word_ngram": 2,
            "C": 1.0,  # the SVM's regularisation (1.0: scikit-learn's default)
            "calibration_folds": 5,
            "ranking_length": 10,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Pipeline | None = None):
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _new_model(self) -> Pipeline:
        config = self._config
        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(config["min_char_ngram"], config["max_char_ngram"]),
                            sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, config["max_word_ngram"]), sublinear_tf=True),
        )
        classifier = CalibratedClassifierCV(LinearSVC(C=config["C"]), cv=config["calibration_folds"],
                                            method="isotonic")
        return make_pipeline(features, classifier)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [example for example in training_data.intent_examples
                    if example.get(INTENT) and example.get(TEXT)]
        if not examples:
            logger.debug("No intent examples: the linear intent classifier is not trained.")
            return self._resource
        model = self._new_model()
        # An array, not a list: scikit-learn 1.1's calibration counts each class's examples with `y == label`.
        model.fit([unaccented(example.get(TEXT)) for example in examples],
                  np.array([example.get(INTENT) for example in examples]))
        self._model = model
        self._persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        texts = [unaccented(message.get(TEXT) or "") for message in messages]
        probabilities = fast_probabilities(self._model, texts)
        intents = self._model.classes_
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)[: self._config["ranking_length"]]
            ranking = [{"name": str(intents[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self._model, directory / MODEL_FILE)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                unexpected = sorted(set(sio.get_untrusted_types(file=path)) - TRUSTED_TYPES)
                if unexpected:
                    raise ValueError(f"types inattendus dans {path.name} : {', '.join(unexpected)}")
                model = sio.load(path, trusted=sorted(TRUSTED_TYPES))
        except ValueError as error:
            logger.warning("Classifieur d'intentions non chargé (%s) : réentraînez le modèle (make train).", error)
            model = None
        return cls(config, model_storage, resource, model)


def fast_probabilities(model: Pipeline, texts: list[str]) -> np.ndarray:
    """`model.predict_proba(texts)` for the pipeline `_new_model` builds, read straight from its fitted arrays.

    For each calibration fold: the SVM's scores, each class's isotonic calibration (a piecewise-linear function,
    clipped at its ends: `np.interp`), then the row normalised (uniform when every calibrator says 0); the folds'
    probabilities are averaged. scikit-learn 1.1's `CalibratedClassifierCV.predict_proba` computes exactly this.
    """
    union, calibrated = model.steps[0][1], model.steps[-1][1]
    features = scipy.sparse.hstack([vectorizer.transform(texts) for _, vectorizer in union.transformer_list],
                                   format="csr")
    classes = len(calibrated.classes_)
    total = np.zeros((len(texts), classes))
    for member in calibrated.calibrated_classifiers_:
        svm = getattr(member, "base_estimator", None) or member.estimator
        scores = np.asarray(features @ svm.coef_.T) + svm.intercept_
        probabilities = np.column_stack([np.interp(scores[:, k], calibrator.X_thresholds_, calibrator.y_thresholds_)
                                         for k, calibrator in enumerate(member.calibrators)])
        sums = probabilities.sum(axis=1, keepdims=True)
        total += np.divide(probabilities, sums, out=np.full_like(probabilities, 1 / classes), where=sums != 0)
    return total / len(calibrated.calibrated_classifiers_)


# What skops asks to trust in the saved model: the scikit-learn and SciPy types _new_model builds, nothing else.
TRUSTED_TYPES = frozenset({"scipy.sparse._csr.csr_matrix", "sklearn.calibration._CalibratedClassifier"})
