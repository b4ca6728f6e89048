"""A fix for Rasa 3.6's cost of checking each action server answer, applied when Rasa loads our channel.

Rasa validates every answer of the action server with `jsonschema.validate(answer, schema)`, which first
validates the *schema* itself against JSON Schema's meta-schema, on every call. Profiled under load
(bench/load.py, py-spy), that check took half of a Rasa replica's CPU time. Here the schema is checked
once and its validator kept; an answer it accepts is accepted, and one it refuses goes through Rasa's own
method, so the error raised and its message stay Rasa's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_rasa_validate_action_result = RemoteAction._validate_action_result


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


def install() -> None:
    """Idempotent: the channel module may be imported more than once."""
    RemoteAction._validate_action_result = _validate_action_result
