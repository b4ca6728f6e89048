"""The contract module agrees with domain.yml: the names the code relies on exist there, and the payloads the
domain's responses send are of a type the contract declares."""

from __future__ import annotations

import pytest
import yaml

from assistant import contract
from assistant.config import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def constants(holder: type) -> dict[str, str]:
    return {name: value for name, value in vars(holder).items() if name.isupper()}


@pytest.mark.parametrize(("holder", "section"), [(contract.Slot, "slots"), (contract.Entity, "entities"),
                                                 (contract.Form, "forms")])
def test_every_name_of_the_contract_is_declared_in_the_domain(holder, section):
    declared = set(DOMAIN[section])
    # requested_slot is Rasa's own slot, declared by every form.
    missing = {name: value for name, value in constants(holder).items()
               if value not in declared and value != contract.Slot.REQUESTED_SLOT}
    assert missing == {}


def test_every_intent_of_the_contract_is_declared_in_the_domain():
    declared = {next(iter(item)) if isinstance(item, dict) else item for item in DOMAIN["intents"]}
    rasa_own = {contract.Intent.NLU_FALLBACK, contract.Intent.TOPIC_PREFIX}
    missing = {name: value for name, value in constants(contract.Intent).items()
               if value not in declared and value not in rasa_own}
    assert missing == {}


def test_the_domains_responses_send_payloads_the_contract_declares():
    simple = set(contract.SimpleKind.__args__)  # type: ignore[attr-defined]
    for name, variants in DOMAIN["responses"].items():
        for variant in variants:
            assert variant["custom"]["type"] in simple, name
            assert set(variant["custom"]) == {"type"}, name


def test_buttons_send_the_intents_and_entities_of_the_domain():
    assert contract.procedure_button("ants-passeport", "Passeport")["payload"] == (
        '/ask_details{"procedure": "ants-passeport"}')
    assert contract.sheet_button("F1342", "Carte d'identité")["payload"] == '/ask_details{"sheet": "F1342"}'
    assert contract.topic_button("logement", "Logement")["payload"] == "/topic_logement"
    assert contract.button("x" * 100, "/help")["title"] == "x" * 79 + "…"


def test_a_handoff_payload_leaves_out_what_it_does_not_carry():
    assert contract.handoff_payload("declined") == {"type": "handoff", "ticket": None, "status": "declined"}
    assert contract.handoff_payload("callback", ticket=12, secret="s", structure=None) == {
        "type": "handoff", "ticket": "12", "status": "callback", "secret": "s", "structure": None}
