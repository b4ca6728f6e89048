"""Import of the official list of France Services structures (ANCT, data.gouv.fr, Licence Ouverte 2.0).

The live export is semicolon-separated and may start with a BOM; the August 2024 copy uses commas:
both are detected. Every row is validated: a bad row is reported with its line and reason and does
not stop the import. Re-importing updates rows in place and removes the structures that left the
list; a structure whose row is rejected is kept as it was, so a typo never deletes a counter.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import requests
from pydantic import BaseModel, ValidationError, confloat, conint, constr, validator
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.db import update_in_place
from assistant.sources import read_bytes
from assistant.structures.hours import DAYS, parse_day_hours
from assistant.structures.models import StructureRow
from assistant.validation import describe_validation_error

ATTRIBUTION = "ANCT – Liste des structures France services, data.gouv.fr, Licence Ouverte 2.0"
REQUIRED_COLUMNS = ("id_fs", "insee_dep", "lib_fs", "adresse", "insee_com", "code_postal", "lib_com", "latitude",
                    "longitude", "type_fs", "format_fs")
DOWNLOAD_TIMEOUT_SECONDS = 60
_LABEL_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")

Text = constr(strip_whitespace=True, min_length=1)
OptionalText = constr(strip_whitespace=True)


class StructureImportError(Exception):
    """The source cannot be read at all (missing file, download failure, not the expected columns)."""


class StructureRecord(BaseModel):
    """One row of the official list, validated; field names are the list's own column names."""

    id_fs: conint(gt=0)
    insee_dep: constr(regex=r"^(\d{2}|2[AB]|97\d)$")
    lib_fs: Text
    adresse: Text
    complement_adresse: OptionalText = ""
    insee_com: constr(regex=r"^(\d{5}|2[AB]\d{3})$")
    code_postal: constr(regex=r"^\d{5}$")
    lib_com: Text
    # Mainland France and the overseas departments, from Saint-Martin (-63°) to La Réunion (56°).
    latitude: confloat(ge=-22, le=52)
    longitude: confloat(ge=-64, le=56)
    mail: OptionalText = ""
    telephone: OptionalText = ""
    prise_rdv: OptionalText = ""
    commentaire: OptionalText = ""
    type_fs: constr(strip_whitespace=True, min_length=1, max_length=40)
    format_fs: constr(strip_whitespace=True, min_length=1, max_length=40)
    groupe_fs: OptionalText = ""
    labellisation_fs: OptionalText = ""
    hours: dict[str, list[tuple[str, str]]]

    @validator("prise_rdv")
    def yes_or_no(cls, value: str) -> str:  # noqa: N805
        if value not in ("", "Oui", "Non"):
            raise ValueError("attendu Oui ou Non")
        return value

    def to_row_values(self) -> dict[str, Any]:
        label = _LABEL_DATE.search(self.labellisation_fs)
        return {
            "id": self.id_fs, "department": self.insee_dep, "name": self.lib_fs, "address": self.adresse,
            "address_complement": self.complement_adresse or None, "insee_commune": self.insee_com,
            "postcode": self.code_postal, "commune": self.lib_com, "latitude": self.latitude,
            "longitude": self.longitude, "email": self.mail or None, "phone": self.telephone or None,
            "hours": {day: [list(r) for r in ranges] for day, ranges in self.hours.items()},
            "appointment_required": {"Oui": True, "Non": False}.get(self.prise_rdv),
            "comment": self.commentaire or None, "kind": self.type_fs, "format": self.format_fs,
            "group": self.groupe_fs or None,
            "labelled_on": date(int(label[3]), int(label[2]), int(label[1])) if label else None,
        }


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str
    structure_id: int | None = None  # when the row's id_fs is readable, that structure is kept as it was


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged


def read_source(source: str | Path) -> str:
    """The list's text from a local path or an http(s) URL, BOM removed."""
    try:
        content = read_bytes(source, timeout=DOWNLOAD_TIMEOUT_SECONDS)
    except (OSError, requests.RequestException) as error:
        raise StructureImportError(f"impossible de lire la liste des structures ({source}) : {error}") from error
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StructureImportError(f"{source} n'est pas encodé en UTF-8 ({error})") from error


def parse_structures(text: str) -> tuple[list[StructureRecord], list[RejectedRow]]:
    """Validate every row; the line numbers are the file's (a header on line 1, multi-line comments counted)."""
    # The separator is the header's: sniffing rows would trip on a row with too many fields.
    header = text.split("\n", 1)[0]
    if not {",", ";"} & set(header):
        raise StructureImportError("séparateur introuvable : attendu une virgule ou un point-virgule")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise StructureImportError("colonnes manquantes dans la liste : " + ", ".join(missing))
    records: list[StructureRecord] = []
    rejected: list[RejectedRow] = []
    seen: dict[int, int] = {}
    line = reader.line_num
    for row in reader:
        first_line, line = line + 1, reader.line_num
        try:
            record = _validate(_realigned(row, reader.fieldnames, delimiter))
        except (ValidationError, ValueError) as error:
            rejected.append(RejectedRow(first_line, _reason(error), _readable_id(row.get("id_fs"))))
            continue
        if record.id_fs in seen:
            reason = f"id_fs {record.id_fs} déjà présent ligne {seen[record.id_fs]}"
            rejected.append(RejectedRow(first_line, reason, record.id_fs))
            continue
        seen[record.id_fs] = first_line
        records.append(record)
    return records, rejected


def _realigned(row: dict, header: list[str], delimiter: str) -> dict:
    """A row whose free-text comment holds the separator unquoted (id 284 of the August 2024 list) has too
    many fields: the comment gets them back, and the columns after it their own values."""
    extra = row.get(None)
    if not extra or "commentaire" not in header:
        return row
    values = [row[name] for name in header] + list(extra)
    position = header.index("commentaire")
    comment = delimiter.join(values[position:position + 1 + len(extra)])
    return {**dict(zip(header[:position], values[:position], strict=True)), "commentaire": comment,
            **dict(zip(header[position + 1:], values[position + 1 + len(extra):], strict=True))}


def _validate(row: dict[str, str | None]) -> StructureRecord:
    values = {key: (value or "") for key, value in row.items() if key}
    hours = {}
    for day in DAYS:
        try:
            hours[day] = parse_day_hours(values.get(f"h_{day}"))
        except ValueError as error:
            raise ValueError(f"h_{day} : {error}") from error
    return StructureRecord(**values, hours=hours)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ; ".join(describe_validation_error(error, None))
    return str(error)


def import_structures(
    session_factory: sessionmaker,
    source: str | Path,
    *,
    progress: Callable[[Iterable[StructureRecord]], Iterable[StructureRecord]] = lambda records: records,
) -> ImportReport:
    """Validate the list, then bring the table to it in one transaction."""
    records, rejected = parse_structures(read_source(source))
    report = ImportReport(rejected=rejected)
    rejected_ids = {row.structure_id for row in rejected if row.structure_id is not None}
    with session_factory.begin() as session:
        existing = {row.id: row for row in session.execute(select(StructureRow)).scalars()}
        for record in progress(records):
            values = record.to_row_values()
            row = existing.get(record.id_fs)
            if row is None:
                session.add(StructureRow(**values))
                report.added += 1
                continue
            changed = update_in_place(row, values)
            report.updated += changed
            report.unchanged += not changed
        listed = {record.id_fs for record in records} | rejected_ids
        for structure_id, row in existing.items():
            if structure_id not in listed:
                session.delete(row)
                report.removed += 1
    return report


def _readable_id(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
