from __future__ import annotations

import pytest

from assistant.handoff.contact import parse_contact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12 34 56 78", ("phone", "+33 6 12 34 56 78")),
        ("mon numéro c'est le 06.12.34.56.78 merci", ("phone", "+33 6 12 34 56 78")),
        ("+33 1 64 03 88 00", ("phone", "+33 1 64 03 88 00")),
        ("0262 12 34 56", ("phone", "+262 262 12 34 56")),  # La Réunion, dialled from France
        ("Marie.Dupont@Example.fr", ("email", "Marie.Dupont@example.fr")),
        ("écrivez-moi à marie@exemple.fr.", ("email", "marie@exemple.fr")),
    ],
)
def test_valid_contacts_are_normalised(text, expected):
    assert parse_contact(text) == expected


@pytest.mark.parametrize("text", ["06 12 34", "00 00 00 00 00", "marie@", "marie@exemple", "demain matin", ""])
def test_invalid_contacts_are_refused(text):
    assert parse_contact(text) is None
