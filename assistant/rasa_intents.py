"""guichet's intent classifier for Rasa: a linear model over TF-IDF character and word n-grams, in seconds.

DIET (Rasa's default) trained for 10 minutes on this 2-core machine — about 12 s per epoch whatever its size,
with its graph tracing on top — for ~1,900 short messages and 31 intents. On the two held-out sets of
bench/nlu.py, a linear support-vector classifier over TF-IDF features of the message as people type it
(lower case, accents dropped: « demenager » and « déménager » are one word) classifies as well or better, and
trains in a few seconds (README, « NLU benchmark »). Its scores are turned into probabilities by isotonic
calibration on cross-validation folds, so that the FallbackClassifier's threshold and the open-world routing
read a confidence that means « this often right ».

What answering needs of the fitted pipeline is kept as plain arrays (`FittedIntents`), saved with numpy (no
pickle): loading them takes a fraction of a second, where skops' loader imported every scikit-learn estimator
to list the types it trusts (7 s at each start of the Rasa server). The probabilities are computed from those
arrays: the same numbers as scikit-learn's `predict_proba`, without its per-call validation of 5 × 31
calibrators, which took half of the Rasa server's time per turn (bench/throughput.py, profiled with py-spy).
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
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

MODEL_FILE = "linear_intents.npz"


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
                 model: FittedIntents | None = None):
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
        features = make_union(*vectorizers(config))
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
        self._model = FittedIntents.from_pipeline(model)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory / MODEL_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        texts = [unaccented(message.get(TEXT) or "") for message in messages]
        probabilities = self._model.probabilities(texts)
        intents = self._model.classes
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)[: self._config["ranking_length"]]
            ranking = [{"name": str(intents[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                model = FittedIntents.load(directory / MODEL_FILE, config)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            logger.warning("Classifieur d'intentions non chargé (%s) : réentraînez le modèle (make train).", error)
            model = None
        return cls(config, model_storage, resource, model)


def vectorizers(config: dict[str, Any]) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """The features: character n-grams within words, and words and word pairs."""
    return (TfidfVectorizer(analyzer="char_wb", ngram_range=(config["min_char_ngram"], config["max_char_ngram"]),
                            sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, config["max_word_ngram"]), sublinear_tf=True))


@dataclass(frozen=True)
class FittedIntents:
    """The fitted pipeline as arrays: the intents, each vectorizer (vocabulary and IDF weights), and for each
    calibration fold the SVM's weights and each intent's isotonic calibration (its steps, in `steps_x`/`steps_y`,
    intent k of fold f between offsets[f * intents + k] and the next offset)."""

    classes: np.ndarray
    vectorizers: tuple[TfidfVectorizer, ...]
    coef: np.ndarray  # folds × features × intents (as the sparse product reads it, without a copy)
    intercept: np.ndarray  # folds × intents
    steps_x: np.ndarray
    steps_y: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_pipeline(cls, model: Pipeline) -> FittedIntents:
        union, calibrated = model.steps[0][1], model.steps[-1][1]
        members = calibrated.calibrated_classifiers_
        svms = [getattr(member, "base_estimator", None) or member.estimator for member in members]
        calibrators = [calibrator for member in members for calibrator in member.calibrators]
        lengths = [len(calibrator.X_thresholds_) for calibrator in calibrators]
        return cls(
            classes=np.asarray(calibrated.classes_).astype(str),
            vectorizers=tuple(vectorizer for _, vectorizer in union.transformer_list),
            coef=np.ascontiguousarray(np.stack([svm.coef_.T for svm in svms])),
            intercept=np.stack([svm.intercept_ for svm in svms]),
            steps_x=np.concatenate([calibrator.X_thresholds_ for calibrator in calibrators]),
            steps_y=np.concatenate([calibrator.y_thresholds_ for calibrator in calibrators]),
            offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        )

    def save(self, path: Path) -> None:
        arrays = {"classes": self.classes, "coef": self.coef, "intercept": self.intercept, "steps_x": self.steps_x,
                  "steps_y": self.steps_y, "offsets": self.offsets}
        for position, vectorizer in enumerate(self.vectorizers):
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
            arrays[f"terms_{position}"] = np.array(terms, dtype=str)
            arrays[f"idf_{position}"] = vectorizer.idf_
        with path.open("wb") as file:
            np.savez(file, **arrays)

    @classmethod
    def load(cls, path: Path, config: dict[str, Any]) -> FittedIntents:
        """The arrays `save` wrote (no pickled object is read), with the vectorizers `config` describes."""
        with np.load(path, allow_pickle=False) as data:
            rebuilt = []
            for position, vectorizer in enumerate(vectorizers(config)):
                terms = data[f"terms_{position}"]
                vectorizer.set_params(vocabulary={str(term): index for index, term in enumerate(terms)})
                vectorizer.idf_ = data[f"idf_{position}"]
                rebuilt.append(vectorizer)
            return cls(data["classes"], tuple(rebuilt), data["coef"], data["intercept"], data["steps_x"],
                       data["steps_y"], data["offsets"])

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """scikit-learn's `predict_proba` for the pipeline this was fitted as (1.1's `CalibratedClassifierCV`):
        for each fold, the SVM's scores, each intent's isotonic calibration (piecewise linear, clipped at its
        ends: `np.interp`), the row normalised (uniform when every calibrator says 0); the folds averaged."""
        features = scipy.sparse.hstack([vectorizer.transform(texts) for vectorizer in self.vectorizers],
                                       format="csr")
        folds, classes = self.intercept.shape
        steps, shifts = self._calibration_axis
        total = np.zeros((len(texts), classes))
        for fold in range(folds):
            scores = np.asarray(features @ self.coef[fold]) + self.intercept[fold]
            steps_x, steps_y, lowest, highest = steps[fold]
            probabilities = np.interp(np.clip(scores, lowest, highest) + shifts, steps_x, steps_y)
            sums = probabilities.sum(axis=1, keepdims=True)
            total += np.divide(probabilities, sums, out=np.full_like(probabilities, 1 / classes), where=sums != 0)
        return total / folds

    @cached_property
    def _calibration_axis(self) -> tuple[list[tuple[np.ndarray, ...]], np.ndarray]:
        """For each fold, every intent's calibration steps laid end to end on one axis, intent k's moved k spans
        along it (a span is wider than all the steps), with each intent's first and last step: a score clipped
        to its intent's steps and moved as they were is calibrated by one `np.interp` a fold instead of one per
        intent and fold (155 calls a message: 1.1 of its 2.8 ms, measured 2026-12-02)."""
        folds, classes = self.intercept.shape
        span = float(self.steps_x.max() - self.steps_x.min()) + 1.0
        shifts = np.arange(classes) * span
        steps = []
        for fold in range(folds):
            calibrators = [self._steps(fold * classes + intent) for intent in range(classes)]
            steps.append((np.concatenate([x + shift for (x, _), shift in zip(calibrators, shifts, strict=True)]),
                          np.concatenate([y for _, y in calibrators]),
                          np.array([x[0] for x, _ in calibrators]), np.array([x[-1] for x, _ in calibrators])))
        return steps, shifts

    def _steps(self, calibrator: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.offsets[calibrator], self.offsets[calibrator + 1]
        return self.steps_x[start:end], self.steps_y[start:end]
