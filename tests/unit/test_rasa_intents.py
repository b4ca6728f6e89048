from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.rasa_intents import MODEL_FILE, FittedIntents, LinearIntentClassifier
from assistant.text import unaccented

EXAMPLES = {
    "topic_demenagement": ["je déménage", "changement d'adresse", "on part vivre à Lyon", "nouvelle adresse",
                           "je change de logement le mois prochain", "déménagement qui prévenir"],
    "topic_sante": ["j'ai perdu ma carte vitale", "carte vitale volée", "mon médecin traitant",
                    "remboursement ameli", "complémentaire santé solidaire", "arrêt maladie"],
    "greet": ["bonjour", "salut", "bonsoir", "coucou", "hello", "bonjour madame"],
}
CONFIG = {"calibration_folds": 3}


def training_data() -> TrainingData:
    return TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in EXAMPLES.items() for text in texts])


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def trained(storage: LocalModelStorage) -> tuple[LinearIntentClassifier, Resource]:
    resource = Resource("intents")
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    classifier = LinearIntentClassifier.create(CONFIG, storage, resource, context)
    classifier.train(training_data())
    return classifier, resource


def classify(classifier: LinearIntentClassifier, text: str) -> Message:
    message = Message(data={"text": text})
    classifier.process([message])
    return message


def test_text_is_read_in_lower_case_without_accents():
    assert unaccented("DÉMÉNAGEMENT à Périgueux") == "demenagement a perigueux"


def test_it_classifies_messages_typed_without_accents_with_a_ranking_of_probabilities(storage):
    classifier, _ = trained(storage)

    message = classify(classifier, "DEMENAGEMENT la semaine prochaine")

    assert message.get("intent")["name"] == "topic_demenagement"
    ranking = message.get("intent_ranking")
    assert [entry["name"] for entry in ranking][0] == "topic_demenagement"
    assert len(ranking) == 3 and sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)
    assert ranking[0]["confidence"] >= ranking[1]["confidence"] >= ranking[2]["confidence"]


def test_a_saved_model_loads_and_answers_the_same(storage):
    classifier, resource = trained(storage)
    context = ExecutionContext(GraphSchema({}), node_name="intents")

    loaded = LinearIntentClassifier.load(CONFIG, storage, resource, context)

    assert classify(loaded, "carte vitale perdue").get("intent_ranking") == \
        classify(classifier, "carte vitale perdue").get("intent_ranking")


def test_a_file_holding_pickled_objects_is_refused(storage, caplog):
    """Arrays only: a model file with a pickled object in it is not loaded (nor run)."""
    _, resource = trained(storage)
    with storage.write_to(resource) as directory:
        with np.load(directory / MODEL_FILE) as saved:
            arrays = dict(saved)
        arrays["classes"] = np.array([{"pickled": "object"}] * len(arrays["classes"]), dtype=object)
        np.savez(directory / MODEL_FILE, **arrays)
    context = ExecutionContext(GraphSchema({}), node_name="intents")

    loaded = LinearIntentClassifier.load(CONFIG, storage, resource, context)

    assert "Classifieur d'intentions non chargé" in caplog.text
    assert classify(loaded, "bonjour").get("intent") is None


def test_it_is_registered_as_an_intent_classifier():
    registered = DefaultV1Recipe._from_registry("assistant.rasa_intents.LinearIntentClassifier")

    assert registered.clazz is LinearIntentClassifier
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types


def test_the_probabilities_are_scikit_learns(storage):
    classifier, _ = trained(storage)
    pipeline = classifier._new_model()
    examples = training_data().intent_examples
    pipeline.fit([unaccented(example.get("text")) for example in examples],
                 np.array([example.get("intent") for example in examples]))
    texts = [unaccented(text) for text in ("je demenage a Lyon", "bonjour", "carte vitale", "xyz", "")]
    # The training messages themselves and repeated words score beyond the calibrators' steps: clipped at both ends.
    texts += [unaccented(example.get("text")) for example in examples] + ["demenager " * 20, "bonjour " * 20]

    assert np.allclose(FittedIntents.from_pipeline(pipeline).probabilities(texts), pipeline.predict_proba(texts))
