"""Fixes for two of Rasa 3.6's per-turn costs, applied when Rasa loads our channel.

Rasa validates every answer of the action server with `jsonschema.validate(answer, schema)`, which first
validates the *schema* itself against JSON Schema's meta-schema, on every call. Profiled under load
(bench/load.py, py-spy), that check took half of a Rasa replica's CPU time. Here the schema is checked
once and its validator kept; an answer it accepts is accepted, and one it refuses goes through Rasa's own
method, so the error raised and its message stay Rasa's.

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


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if action_response_validator().is_valid(result):
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
