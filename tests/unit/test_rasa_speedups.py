from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet

import assistant.channel  # noqa: F401 - installs the fix, as Rasa loading the channel does
from assistant.rasa_speedups import action_response_validator


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_topic", None)


def test_a_valid_answer_is_accepted_without_checking_the_schema_again(action, monkeypatch):
    action_response_validator()
    monkeypatch.setattr(type(action_response_validator()), "check_schema",
                        classmethod(lambda cls, schema: pytest.fail("schema checked again")))

    assert action._validate_action_result({"events": [{"event": "slot", "name": "topic", "value": "sante"}],
                                           "responses": [{"text": "Bonjour"}]})


def test_an_invalid_answer_gets_rasas_own_error(action):
    with pytest.raises(ValidationError, match="Failed to validate Action server response from API"):
        action._validate_action_result({"events": "pas une liste", "responses": []})


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
