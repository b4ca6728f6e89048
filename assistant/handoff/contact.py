"""How to call the user back: a phone number (phonenumbers, French numbers by default) or an e-mail
address (email-validator), normalised for the advisor."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from assistant.privacy.redaction import FRENCH_REGIONS

_LOOKS_LIKE_EMAIL = re.compile(r"\S+@\S+")
_PHONE_CANDIDATE = re.compile(r"\+?[\d][\d .\-()]{7,}\d")


def parse_contact(text: str) -> tuple[str, str] | None:
    """("phone", "+33 6 12 34 56 78") or ("email", "x@y.fr") from what the user typed; None if neither is valid."""
    email = _LOOKS_LIKE_EMAIL.search(text)
    if email:
        try:
            checked = validate_email(email.group(0).strip(".,;:!?()<>"), check_deliverability=False)
        except EmailNotValidError:
            return None
        return "email", checked.normalized
    candidate = _PHONE_CANDIDATE.search(text)
    if candidate is None:
        return None
    for region in FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(candidate.group(0), region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return "phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return None
