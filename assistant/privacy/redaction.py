"""Identifying numbers and addresses masked out of free text before it is stored.

Candidates are found with patterns that tolerate what people type between digits (spaces, dots, dashes,
non-breaking spaces); a candidate is replaced only when its check digits validate, so that postcodes,
INSEE codes, dates, amounts, years and ticket numbers are left as they are:

- NIR (social security number): 15 characters, Corsica's 2A/2B included, key checked (`stdnum.fr.nir`),
  first digit 1, 2, 3, 4, 7 or 8 (sex, or a temporary number);
- IBAN of any country, grouped in fours or not (`stdnum.iban`: the country's length and structure, mod 97);
- numéro fiscal (SPI, which python-stdnum calls NIF): 13 digits starting 0 to 3, check number checked
  (`stdnum.fr.nif`);
- payment card numbers: 13 to 19 digits in the card networks' ranges (first digits and length), Luhn
  (`stdnum.luhn`). One random number in ten passes Luhn: a long number in those ranges may be masked by
  mistake, a harmless loss;
- e-mail addresses (a pattern: anything shaped like an address is personal enough);
- phone numbers, valid ones only (`phonenumbers`): ten digits from a 0, in mainland France or overseas
  (Réunion, Guadeloupe, Martinique, Guyane, Mayotte), found among the other digit groups; then +33, 0033,
  "(0)" and international forms with `PhoneNumberMatcher` (region FR).

Every text is treated alike, whoever wrote it: the phone number or e-mail of a France Services structure in
a bot answer is masked in storage as well (the user received it unmasked, and it stays in the structures
table); telling public contacts from private ones would need a list that can go stale. Masking is
idempotent: no placeholder holds a digit or an @.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import phonenumbers
from stdnum import iban, luhn
from stdnum.fr import nif, nir

# A number dialled as in France ("0262…") may belong to an overseas département, a region of its own.
FRENCH_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT")

NIR_PLACEHOLDER = "[numéro de sécurité sociale masqué]"
IBAN_PLACEHOLDER = "[IBAN masqué]"
CARD_PLACEHOLDER = "[numéro de carte masqué]"
TAX_NUMBER_PLACEHOLDER = "[numéro fiscal masqué]"
EMAIL_PLACEHOLDER = "[adresse e-mail masquée]"
PHONE_PLACEHOLDER = "[numéro de téléphone masqué]"

# What may stand between two digits of one number: space, dot, dash, no-break and narrow no-break spaces.
_SEPARATOR_CHARACTERS = " .\\-\u00a0\u202f"
_SEPARATOR = f"[{_SEPARATOR_CHARACTERS}]"
_SEPARATORS = re.compile(_SEPARATOR)
_GROUP = re.compile(f"[^{_SEPARATOR_CHARACTERS}]+")
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])")
# A country code, check digits, then up to 30 letters or digits (the longest IBAN has 34 characters).
_IBAN = re.compile(rf"(?<!\w)[A-Za-z]{{2}}\d{{2}}(?:{_SEPARATOR}?[A-Za-z0-9]){{10,30}}")
# Digits in groups; "2A"/"2B" for a NIR born in Corsica.
_DIGIT_RUN = re.compile(rf"(?<!\w)(?:2[ABab]|\d)(?:{_SEPARATOR}?(?:2[ABab]|\d))*(?!\w)")
_LONGEST_NUMBER = 19
_PHONE_LIKE = re.compile(r"\d(?:[\s.\-()/\u00a0\u202f]*\d){7,}")
# First digits and lengths of the card networks' numbers: Visa; Mastercard and Maestro; Mastercard's 2-series;
# American Express; Diners; JCB; Discover, UnionPay and Maestro. One random number in ten passes Luhn: these
# ranges keep most long numbers (a 13-digit numéro fiscal starting 30, say) from being taken for cards.
_CARD_NETWORKS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("4", (13, 16, 19)), ("5", (16, 17, 18, 19)), ("2", (16,)), ("34", (15,)), ("37", (15,)),
    ("30", (14, 16)), ("36", (14, 16)), ("38", (14, 16)), ("35", (16, 17, 18, 19)), ("6", (16, 17, 18, 19)),
)
_FEWEST_DIGITS = 8  # in the shortest number masked below (an international phone number)
# Matches from the start when the text holds at least that many digits: counted by the regex engine, since
# a Python loop over the characters of every string of every stored event cost a third of the redaction.
_ENOUGH_DIGITS = re.compile(rf"(?:\D*\d){{{_FEWEST_DIGITS}}}")


# Each check gets the digits (and "2A"/"2B") without separators, and the length of each group as typed.
def _is_nir(number: str, _grouping: tuple[int, ...]) -> bool:
    return len(number) == 15 and number[0] in "123478" and nir.is_valid(number)


def _is_tax_number(number: str, _grouping: tuple[int, ...]) -> bool:
    return len(number) == 13 and number.isdigit() and nif.is_valid(number)


def _is_card_number(number: str, _grouping: tuple[int, ...]) -> bool:
    lengths = next((lengths for prefix, lengths in _CARD_NETWORKS if number.startswith(prefix)), ())
    return len(number) in lengths and number.isdigit() and luhn.is_valid(number)


def _is_phone_number_dialled_in_france(number: str, grouping: tuple[int, ...]) -> bool:
    """"06 12 34 56 78", "0612345678", "0262 12 34 56": ten digits from a 0, grouped as phone numbers are
    written (so that "01.02.2024 10.30" stays a date), valid in mainland France or overseas."""
    as_a_phone_number = grouping == (10,) or (grouping[0] in (2, 4) and set(grouping[1:]) == {2})
    if len(number) != 10 or not number.isdigit() or number[0] != "0" or not as_a_phone_number:
        return False
    try:
        return any(phonenumbers.is_valid_number(phonenumbers.parse(number, region)) for region in FRENCH_REGIONS)
    except phonenumbers.NumberParseException:
        return False


# Tried in this order on each run of digits: the rarer a false match, the earlier.
_NUMBER_KINDS: tuple[tuple[Callable[[str, tuple[int, ...]], bool], str], ...] = (
    (_is_nir, NIR_PLACEHOLDER),
    (_is_tax_number, TAX_NUMBER_PLACEHOLDER),
    (_is_card_number, CARD_PLACEHOLDER),
    (_is_phone_number_dialled_in_france, PHONE_PLACEHOLDER),
)


def redact(text: str) -> str:
    """The text with each valid NIR, IBAN, numéro fiscal, card number, e-mail address and phone number
    replaced by a French placeholder; anything else unchanged."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
    if _ENOUGH_DIGITS.match(text) is None:
        return text  # most texts stop here
    text = _redact_ibans(text)
    text = _redact_digit_runs(text)
    return _redact_other_phone_numbers(text)


def redact_json(value: Any) -> Any:
    """A copy of a JSON-like value (dicts, lists, strings, numbers) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_json(item) for item in value]
    return value


def _groups(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each group of characters between separators in text[start:end]."""
    return [(start + found.start(), start + found.end()) for found in _GROUP.finditer(text[start:end])]


def _redact_ibans(text: str) -> str:
    """The longest run of groups from a country code that is a valid IBAN (what follows may be words)."""
    pieces, position, search_from = [], 0, 0
    while (match := _IBAN.search(text, search_from)) is not None:
        ends = [end for _, end in _groups(text, match.start(), match.end())]
        valid_end = next((end for end in reversed(ends) if not _continues_a_word(text, end)
                          and iban.is_valid(_compact(text[match.start():end]))), None)
        if valid_end is None:
            search_from = match.start() + 1
            continue
        pieces += [text[position:match.start()], IBAN_PLACEHOLDER]
        position = search_from = valid_end
    return "".join(pieces) + text[position:]


def _compact(candidate: str) -> str:
    return _SEPARATORS.sub("", candidate)


def _continues_a_word(text: str, end: int) -> bool:
    return end < len(text) and (text[end].isalnum() or text[end] == "_")


def _redact_digit_runs(text: str) -> str:
    """NIR, numéros fiscaux, card numbers and phone numbers dialled in France: in each run of digit groups,
    the leftmost groups that form a valid number (a number next to another, "… 84 36 2024", is found too)."""
    pieces, position = [], 0
    for match in _DIGIT_RUN.finditer(text):
        groups = _groups(text, match.start(), match.end())
        first = 0
        while first < len(groups):
            found = _valid_number_from(text, groups, first)
            if found is None:
                first += 1
                continue
            last, placeholder = found
            pieces += [text[position:groups[first][0]], placeholder]
            position = groups[last][1]
            first = last + 1
    return "".join(pieces) + text[position:]


def _valid_number_from(text: str, groups: list[tuple[int, int]], first: int) -> tuple[int, str] | None:
    """(index of the last group, placeholder) of the longest valid number starting at group `first`."""
    candidates, digits, grouping = [], "", ()
    for index in range(first, len(groups)):
        digits += text[groups[index][0]:groups[index][1]]
        grouping += (groups[index][1] - groups[index][0],)
        if len(digits) > _LONGEST_NUMBER:
            break
        if len(set(digits)) > 1:  # "0000000000000" passes some checksums but identifies nobody
            candidates.append((index, digits, grouping))
    for is_valid, placeholder in _NUMBER_KINDS:
        for index, number, number_grouping in reversed(candidates):
            if is_valid(number, number_grouping):
                return index, placeholder
    return None


def _redact_other_phone_numbers(text: str) -> str:
    """+33 and 0033 forms, "(0)", international numbers: what phonenumbers finds in running text (its matcher
    is slow, so only where eight digits or more stand together, as in any phone number)."""
    if _PHONE_LIKE.search(text) is None:
        return text
    pieces, position = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID):
        pieces += [text[position:match.start], PHONE_PLACEHOLDER]
        position = match.end
    return "".join(pieces) + text[position:]
