"""Import of the service-public.fr « Vos droits et démarches — particuliers » sheets (DILA, Licence Ouverte 2.0).

The source is DILA's zip of XML files, one per sheet, from a local path or an URL. Every file is parsed on its
own: a file that cannot be read is reported with its name and reason and does not stop the import; the sheet
it held is kept as it was, so that a damaged file never withdraws a sheet. Re-importing updates rows in place
and removes the sheets that left the archive, all in one transaction.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path, PurePosixPath

import requests
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from assistant.db import update_in_place
from assistant.sheets.models import SheetRow
from assistant.sheets.parser import PARSER_VERSION, SHEET_ID, Sheet, SheetParseError, parse_sheet
from assistant.sheets.repository import row_values
from assistant.sources import read_bytes

ATTRIBUTION = "Direction de l'information légale et administrative — service-public.fr, Licence Ouverte 2.0"
DOWNLOAD_TIMEOUT_SECONDS = 120
# The largest sheet of the 2020 archive is under 1 MB once unzipped: a bigger file is damaged or hostile.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Wraps the archive's files as they are read (a progress bar in the terminal).
Progress = Callable[[list[zipfile.ZipInfo]], Iterable[zipfile.ZipInfo]]


class SheetImportError(Exception):
    """The archive cannot be used at all (missing, not a zip, no valid sheet): nothing is changed."""


@dataclass(frozen=True)
class ParsedSheet:
    sheet: Sheet
    content_hash: str  # sha256 of the parser's version and the XML file: a new parser re-reads every sheet


@dataclass(frozen=True)
class RejectedFile:
    name: str
    reason: str
    sheet_id: str | None = None  # when the file's name gives the sheet, that sheet is kept as it was


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[RejectedFile] = field(default_factory=list)
    newest: date | None = None  # the most recent dc:date of the archive: the corpus's date

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged


def read_archive(source: str | Path) -> bytes:
    """The zip's bytes from a local path or an http(s) URL."""
    try:
        return read_bytes(source, timeout=DOWNLOAD_TIMEOUT_SECONDS)
    except (OSError, requests.RequestException) as error:
        raise SheetImportError(f"impossible de lire l'archive des fiches ({source}) : {error}") from error


@dataclass
class ArchiveContents:
    sheets: list[ParsedSheet] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # ids whose file has the content hash given as known


def parse_archive(
    content: bytes, *, known: Mapping[str, str] | None = None, progress: Progress = lambda files: files,
) -> ArchiveContents:
    """Every sheet of the zip (files named like F1342.xml, in any folder); other files are not sheets and are
    skipped silently (the live archive may carry indexes beside them). A file whose hash is the one `known`
    gives for its sheet is not parsed again: re-importing an unchanged archive costs its hashing only."""
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except zipfile.BadZipFile as error:
        raise SheetImportError(f"ce n'est pas une archive zip lisible ({error})") from error
    known = known or {}
    contents = ArchiveContents()
    seen: dict[str, str] = {}
    with archive:
        for entry in progress(archive.infolist()):
            path = PurePosixPath(entry.filename)
            if entry.is_dir() or path.suffix.lower() != ".xml" or not SHEET_ID.match(path.stem):
                continue
            sheet_id = path.stem
            if sheet_id in seen:
                contents.rejected.append(
                    RejectedFile(entry.filename, f"fiche {sheet_id} déjà lue dans {seen[sheet_id]}", sheet_id))
                continue
            try:
                data = _read_entry(archive, entry)
                digest = content_hash(data)
                if known.get(sheet_id) == digest:
                    contents.unchanged.append(sheet_id)
                else:
                    contents.sheets.append(ParsedSheet(_parse(data, sheet_id), digest))
            except SheetParseError as error:
                contents.rejected.append(RejectedFile(entry.filename, str(error), sheet_id))
                continue
            seen[sheet_id] = entry.filename
    return contents


def content_hash(data: bytes) -> str:
    """What tells a sheet changed: its file, and the version of the parser that reads it."""
    return hashlib.sha256(f"{PARSER_VERSION}:".encode() + data).hexdigest()


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    if entry.file_size > MAX_FILE_BYTES:
        raise SheetParseError(f"fichier trop volumineux ({entry.file_size} octets)")
    try:
        return archive.read(entry)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise SheetParseError(f"fichier endommagé dans l'archive ({error})") from error


def _parse(data: bytes, expected_id: str) -> Sheet:
    sheet = parse_sheet(data)
    if sheet.id != expected_id:
        raise SheetParseError(f"l'identifiant {sheet.id} ne correspond pas au nom du fichier")
    return sheet


def import_sheets(
    session_factory: sessionmaker,
    source: str | Path,
    *,
    progress: Progress = lambda files: files,
) -> ImportReport:
    """Read the archive, then bring the table to it in one transaction: new and changed sheets are written,
    unchanged ones are not even parsed, withdrawn ones are removed."""
    content = read_archive(source)
    with session_factory.begin() as session:
        stored = dict(session.execute(select(SheetRow.id, SheetRow.content_hash)).all())
        contents = parse_archive(content, known=stored, progress=progress)
        if not contents.sheets and not contents.unchanged:
            rejected = f" ({len(contents.rejected)} fichier(s) rejeté(s))" if contents.rejected else ""
            raise SheetImportError(f"aucune fiche valide dans l'archive{rejected} : rien n'a été modifié")
        report = ImportReport(rejected=contents.rejected, unchanged=len(contents.unchanged))
        for item in contents.sheets:
            values = row_values(item.sheet, item.content_hash)
            if item.sheet.id not in stored:
                session.add(SheetRow(**values))
                report.added += 1
            else:
                changed = update_in_place(session.get(SheetRow, item.sheet.id), values)
                report.updated += changed
                report.unchanged += not changed
        listed = {item.sheet.id for item in contents.sheets} | set(contents.unchanged)
        listed |= {file.sheet_id for file in contents.rejected if file.sheet_id}
        withdrawn = sorted(set(stored) - listed)
        for chunk in range(0, len(withdrawn), 500):
            session.execute(delete(SheetRow).where(SheetRow.id.in_(withdrawn[chunk:chunk + 500])))
        report.removed = len(withdrawn)
        session.flush()
        report.newest = session.execute(select(func.max(SheetRow.modified))).scalar_one()
    return report
