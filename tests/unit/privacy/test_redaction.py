from __future__ import annotations

import pytest
from stdnum import iban, luhn
from stdnum.fr import nif, nir

from assistant.privacy.redaction import (
    CARD_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    IBAN_PLACEHOLDER,
    NIR_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    TAX_NUMBER_PLACEHOLDER,
    redact,
    redact_json,
)


def with_nir_key(first_13: str) -> str:
    return first_13 + nir.calc_check_digits(first_13 + "00")


def with_luhn_digit(number: str) -> str:
    return number + luhn.calc_check_digit(number)


def with_iban_check(country: str, bban: str) -> str:
    return country + iban.calc_check_digits(country + "00" + bban) + bban


def spaced(number: str, sizes: tuple[int, ...], separator: str = " ") -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(number[start:start + size])
        start += size
    return separator.join(parts)


NIR = with_nir_key("1850578006084")  # a man born in May 1985 in Seine-et-Marne
NIR_CORSICA = with_nir_key("269052A123456")  # a woman born in Corse-du-Sud
NIR_HAUTE_CORSE = with_nir_key("172012B045123")
TAX_NUMBER = "3023217600053"  # stdnum's example of a numéro fiscal
CARD = with_luhn_digit("497010112233445")  # 16 digits, a Visa range
AMEX = with_luhn_digit("37828224631000")  # 15 digits
FRENCH_IBAN = "FR7630006000011234567890189"
GERMAN_IBAN = with_iban_check("DE", "370400440532013000")
BRITISH_IBAN = "GB82WEST12345698765432"


def test_the_fixtures_are_valid_numbers_and_the_near_misses_are_not():
    assert nir.is_valid(NIR) and nir.is_valid(NIR_CORSICA) and nir.is_valid(NIR_HAUTE_CORSE)
    assert nif.is_valid(TAX_NUMBER) and luhn.is_valid(CARD) and luhn.is_valid(AMEX)
    assert iban.is_valid(FRENCH_IBAN) and iban.is_valid(GERMAN_IBAN) and iban.is_valid(BRITISH_IBAN)
    assert not nir.is_valid(NIR[:-1] + str((int(NIR[-1]) + 1) % 10))
    assert not luhn.is_valid(CARD[:-1] + str((int(CARD[-1]) + 1) % 10))


@pytest.mark.parametrize(("text", "expected"), [
    (f"mon numéro de sécu : {spaced(NIR, (1, 2, 2, 2, 3, 3, 2))}, merci",
     f"mon numéro de sécu : {NIR_PLACEHOLDER}, merci"),
    (f"sécu {NIR}", f"sécu {NIR_PLACEHOLDER}"),
    (f"NIR {spaced(NIR, (1, 2, 2, 2, 3, 3, 2), '.')}", f"NIR {NIR_PLACEHOLDER}"),
    (f"NIR {spaced(NIR, (13, 2), '-')}", f"NIR {NIR_PLACEHOLDER}"),
    (f"née à Ajaccio : {spaced(NIR_CORSICA, (1, 2, 2, 2, 3, 3, 2))}", f"née à Ajaccio : {NIR_PLACEHOLDER}"),
    (f"né à Bastia : {NIR_HAUTE_CORSE.lower()}", f"né à Bastia : {NIR_PLACEHOLDER}"),
    (f"{NIR} 2024", f"{NIR_PLACEHOLDER} 2024"),  # a number next to another
    (f"numéro fiscal {spaced(TAX_NUMBER, (2, 2, 3, 3, 3))}", f"numéro fiscal {TAX_NUMBER_PLACEHOLDER}"),
    (f"SPI {TAX_NUMBER}.", f"SPI {TAX_NUMBER_PLACEHOLDER}."),
    (f"carte {spaced(CARD, (4, 4, 4, 4))} exp 12/27", f"carte {CARD_PLACEHOLDER} exp 12/27"),
    (f"carte {CARD}", f"carte {CARD_PLACEHOLDER}"),
    (f"amex {spaced(AMEX, (4, 6, 5), '-')}", f"amex {CARD_PLACEHOLDER}"),
    (f"IBAN : {spaced(FRENCH_IBAN, (4, 4, 4, 4, 4, 4, 3))} merci", f"IBAN : {IBAN_PLACEHOLDER} merci"),
    (f"iban {FRENCH_IBAN.lower()}.", f"iban {IBAN_PLACEHOLDER}."),
    (f"Konto {spaced(GERMAN_IBAN, (4, 4, 4, 4, 4, 2))}", f"Konto {IBAN_PLACEHOLDER}"),
    (spaced(BRITISH_IBAN, (4, 4, 4, 4, 4, 2)), IBAN_PLACEHOLDER),
    ("écrivez à marie.dupont+caf@exemple.fr.", f"écrivez à {EMAIL_PLACEHOLDER}."),
    ("Jean_Martin-2@mairie-coulommiers.gouv.fr ou moi", f"{EMAIL_PLACEHOLDER} ou moi"),
    ("appelez le 06 12 34 56 78 svp", f"appelez le {PHONE_PLACEHOLDER} svp"),
    ("0612345678", PHONE_PLACEHOLDER),
    ("tel: 06.12.34.56.78 ou 06-12-34-56-78", f"tel: {PHONE_PLACEHOLDER} ou {PHONE_PLACEHOLDER}"),
    ("fixe 01 64 03 88 00, portable +33 6 12 34 56 78", f"fixe {PHONE_PLACEHOLDER}, portable {PHONE_PLACEHOLDER}"),
    ("+33 (0)6 12 34 56 78 ou 0033 6 12 34 56 78", f"{PHONE_PLACEHOLDER} ou {PHONE_PLACEHOLDER}"),
    ("à La Réunion : 0262 12 34 56, en Guadeloupe 0590 12 34 56", f"à La Réunion : {PHONE_PLACEHOLDER}, en "
                                                                   f"Guadeloupe {PHONE_PLACEHOLDER}"),
    ("Martinique 0696123456 et Mayotte +262 269 61 12 34", f"Martinique {PHONE_PLACEHOLDER} et Mayotte "
                                                            f"{PHONE_PLACEHOLDER}"),
    ("à Londres +44 20 7946 0958", f"à Londres {PHONE_PLACEHOLDER}"),
    ("06 12 34 56 78 77120 Coulommiers", f"{PHONE_PLACEHOLDER} 77120 Coulommiers"),
    ("06\u00a012\u00a034\u00a056\u00a078", PHONE_PLACEHOLDER),  # no-break spaces, as phones and Word type them
])
def test_valid_numbers_and_addresses_are_masked(text, expected):
    assert redact(text) == expected


def test_several_kinds_in_one_message_each_get_their_placeholder():
    text = (f"Bonjour, je suis marie@exemple.fr, NIR {NIR}, IBAN {FRENCH_IBAN}, carte {CARD}, "
            f"numéro fiscal {TAX_NUMBER}, tél 07 56 12 34 56.")

    assert redact(text) == (
        f"Bonjour, je suis {EMAIL_PLACEHOLDER}, NIR {NIR_PLACEHOLDER}, IBAN {IBAN_PLACEHOLDER}, "
        f"carte {CARD_PLACEHOLDER}, numéro fiscal {TAX_NUMBER_PLACEHOLDER}, tél {PHONE_PLACEHOLDER}.")


@pytest.mark.parametrize("text", [
    "je déménage à Coulommiers (77120) le 12/03/2024",
    "le code INSEE de Coulommiers est 77131, département 77",
    "rendez-vous le 01.02.2024 10.30, ou le 12-03-2024",
    "ma prime d'activité est de 1 200 € par mois, 14 400 € en 2024",
    "un montant de 1 234 567,89 €",
    "ma demande porte le numéro 4821, le dossier 2024-000123",
    "années 2019 2020 2021 2022 2023",
    "1234567890123",  # 13 digits: neither a numéro fiscal (starts 1, wrong check) nor a card (starts 1)
    "4970101122334456",  # a card number with a wrong Luhn digit
    f"{NIR[:-2]}{(int(NIR[-2:]) + 1) % 100:02d}",  # a NIR with a wrong key
    f"{NIR_CORSICA[:5]}2C{NIR_CORSICA[7:]}",  # no département 2C
    "3023217600054",  # stdnum's numéro fiscal with a wrong check number
    "FR7630006000011234567890188",  # an IBAN with a wrong check
    "0000000000000",
    "SIREN 732 829 320, SIRET 732 829 320 00074",
    "numéro allocataire CAF 1234567",
    "06 12 34 56",  # a phone number cut short
    "appelez le 3939, ou le 36 46",  # short service numbers are not personal
    "marie@ ou @exemple.fr ou marie(at)exemple",
    "",
])
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


def test_masking_twice_changes_nothing_more():
    once = redact(f"NIR {NIR}, iban {FRENCH_IBAN}, 06 12 34 56 78, marie@exemple.fr")

    assert redact(once) == once


def test_json_values_are_redacted_everywhere_keys_and_numbers_kept():
    value = {"text": "au 06 12 34 56 78", "buttons": [{"title": "marie@exemple.fr", "payload": "/affirm"}],
             "custom": {"context": {"summary": f"« mon IBAN {FRENCH_IBAN} »"}, "distance_km": 0.42, "open": True}}

    assert redact_json(value) == {
        "text": f"au {PHONE_PLACEHOLDER}",
        "buttons": [{"title": EMAIL_PLACEHOLDER, "payload": "/affirm"}],
        "custom": {"context": {"summary": f"« mon IBAN {IBAN_PLACEHOLDER} »"}, "distance_km": 0.42, "open": True}}
    assert value["text"] == "au 06 12 34 56 78"  # a copy: the original is untouched
