"""Fixes for two of Rasa 3.6's per-turn costs, applied when Rasa loads our channel.

Rasa validates every answer of the action server with `jsonschema.validate(answer, schema)`, which first
validates the *schema* itself against JSON Schema's meta-schema, on every call. Profiled under load
(bench/load.py, py-spy), that check took half of a Rasa replica's CPU time. Here the schema is checked
once and its validators kept; an answer they accept is accepted, and one they refuse goes through Rasa's own
method, so the error raised and its message stay Rasa's. The schema says each event must match exactly one of
23 sub-schemas (`oneOf`), each for one value of the event's name (`"event": {"const": …}`), so jsonschema tried
all 23 for every event (1.6 ms for an answer of five events); an event can only match the one of its name, so
`ActionResponseCheck` checks it against that one alone, which accepts and refuses exactly the same events.

Rasa also finds the class of every event it reads back from the tracker store by listing all subclasses of
`Event` anew (`Event.resolve_by_type`), for each event of the conversation at each turn; here each type name's
class is remembered once found (classes are not redefined while a server runs), and anything else, including
Rasa's errors for unknown names, goes through Rasa's own method.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

_rasa_validate_action_result = RemoteAction._validate_action_result
_rasa_resolve_by_type = Event.resolve_by_type
_event_classes: dict[str, type[Event]] = {}


class ActionResponseCheck:
    """Rasa's schema for the action server's answers, checked once, with each event checked against the one
    sub-schema of its name (see the module's docstring). A schema of another shape (another Rasa version) is
    checked whole, as Rasa does."""

    def __init__(self, schema: dict[str, Any]):
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)
        self._by_name: dict[str, Any] | None = None
        events = schema.get("properties", {}).get("events", {}).get("items", {})
        names = [branch.get("properties", {}).get("event", {}).get("const") for branch in events.get("oneOf", [])]
        outline_ok = events.get("required") == ["event"] and \
            events.get("properties", {}).get("event", {}).get("type") == "string"
        if outline_ok and names and all(isinstance(name, str) for name in names) and len(set(names)) == len(names):
            self._by_name = {name: validator_class(branch) for name, branch in zip(names, events["oneOf"], strict=True)}
            items = {key: value for key, value in events.items() if key != "oneOf"}
            schema = {**schema, "properties": {
                **schema["properties"], "events": {**schema["properties"]["events"], "items": items}}}
        self._outline = validator_class(schema)  # the whole schema, or all of it but the sub-schemas of events

    def is_valid(self, answer: Any) -> bool:
        if not self._outline.is_valid(answer):
            return False
        if self._by_name is None:
            return True
        # Past the outline, `answer` is an object and each of its events an object with a string `event`.
        return all(event["event"] in self._by_name and self._by_name[event["event"]].is_valid(event)
                   for event in answer.get("events") or ())


@lru_cache(maxsize=1)
def action_response_check() -> ActionResponseCheck:
    return ActionResponseCheck(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if action_response_check().is_valid(result):
        return True
    return _rasa_validate_action_result(self, result)


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _event_classes.get(type_name)
    if known is not None:
        return known
    resolved = _rasa_resolve_by_type(type_name, default)
    if resolved is not None and resolved is not default:
        _event_classes[type_name] = resolved
    return resolved


def install() -> None:
    """Idempotent: the channel module may be imported more than once."""
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
