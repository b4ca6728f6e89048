from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

import assistant.channel  # noqa: F401 - installs the fix, as Rasa loading the channel does
from assistant.rasa_speedups import ActionResponseCheck, action_response_check

SCHEMA = RemoteAction.action_response_format_spec()
WHOLE = validator_for(SCHEMA)(SCHEMA)
BRANCHES = SCHEMA["properties"]["events"]["items"]["oneOf"]
EVENT_NAMES = [branch["properties"]["event"]["const"] for branch in BRANCHES]
FIELDS = sorted({name for branch in BRANCHES for name in branch["properties"]} | {"timestamp", "metadata"})
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=6)
EVENTS = st.builds(lambda name, fields: {**fields, **name},
                   st.sampled_from(EVENT_NAMES + ["pas_un_evenement"]).map(lambda name: {"event": name})
                   | st.just({}) | JSON_VALUES.map(lambda value: {"event": value}),
                   st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4))
REAL_EVENTS = [event.as_dict() for event in (
    SlotSet("topic", "sante"), ActionExecuted("action_listen"), BotUttered("Bonjour", data={"custom": {"a": 1}}),
    UserUttered("bonjour", intent={"name": "greet", "confidence": 0.9}, entities=[]))]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_topic", None)


def test_a_valid_answer_is_accepted_without_checking_the_schema_again(action, monkeypatch):
    action_response_check()
    monkeypatch.setattr(validator_for(SCHEMA), "check_schema",
                        classmethod(lambda cls, schema: pytest.fail("schema checked again")))

    assert action._validate_action_result({"events": [{"event": "slot", "name": "topic", "value": "sante"}],
                                           "responses": [{"text": "Bonjour"}]})


def test_an_invalid_answer_gets_rasas_own_error(action):
    with pytest.raises(ValidationError, match="Failed to validate Action server response from API"):
        action._validate_action_result({"events": "pas une liste", "responses": []})


def test_each_event_is_checked_against_the_sub_schema_of_its_name():
    assert action_response_check()._by_name is not None  # Rasa's schema has the shape the shortcut needs
    assert len(EVENT_NAMES) == len(set(EVENT_NAMES))


@settings(max_examples=400, deadline=None)
@given(events=st.lists(EVENTS | st.sampled_from(REAL_EVENTS), max_size=4),
       responses=st.lists(st.dictionaries(st.sampled_from(["text", "buttons", "custom"]), JSON_VALUES), max_size=2),
       shape=st.sampled_from(["both", "events only", "not a list", "not an object"]))
def test_answers_are_accepted_and_refused_as_by_the_whole_schema(events, responses, shape):
    answer = {"both": {"events": events, "responses": responses}, "events only": {"events": events},
              "not a list": {"events": {"event": "slot"}}, "not an object": events}[shape]

    assert action_response_check().is_valid(answer) == WHOLE.is_valid(answer)


def test_a_schema_of_another_shape_is_checked_whole():
    schema = {"type": "object", "properties": {"events": {"type": "array", "items": {"oneOf": [
        {"properties": {"event": {"type": "string"}}}, {"properties": {"name": {"type": "string"}}}]}}}}
    check = ActionResponseCheck(schema)

    assert check._by_name is None
    assert check.is_valid({"events": [{"event": "slot", "name": "x"}]}) is False  # matches both: not exactly one
    assert check.is_valid({"events": [{"event": 1}]}) is True


def test_event_classes_are_listed_once_and_found_as_rasa_finds_them(monkeypatch):
    events = [{"event": "action", "name": "action_listen"}, {"event": "slot", "name": "topic", "value": "sante"}]
    first = [type(Event.from_parameters(event)) for event in events]
    monkeypatch.setattr("rasa.shared.utils.common.all_subclasses", lambda cls: pytest.fail("subclasses listed again"))

    assert first == [type(Event.from_parameters(event)) for event in events] == [ActionExecuted, SlotSet]


def test_an_unknown_event_name_gets_rasas_own_answers():
    with pytest.raises(ValueError, match="Unknown event name 'pas_un_evenement'"):
        Event.resolve_by_type("pas_un_evenement")
    assert Event.resolve_by_type("pas_un_evenement", default=ActionExecuted) is ActionExecuted
    assert Event.resolve_by_type("topic") is None
