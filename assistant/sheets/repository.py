"""Reading sheets back from the database, and the row values of a parsed sheet."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.sheets.models import SheetRow
from assistant.sheets.parser import OnlineService, Section, Sheet
from assistant.sheets.search import SheetSummary


def row_values(sheet: Sheet, content_hash: str) -> dict:
    """The columns of a sheet's row; JSON lists of plain values, so that re-imports compare equal."""
    return {
        "id": sheet.id, "kind": sheet.kind, "title": sheet.title, "description": sheet.description,
        "subject": sheet.subject, "modified": sheet.modified, "audiences": list(sheet.audiences),
        "breadcrumb": [list(level) for level in sheet.breadcrumb], "themes": list(sheet.themes),
        "dossier_part": sheet.dossier_part, "sections": [section.to_json() for section in sheet.sections],
        "links": list(sheet.links), "services": [service.to_json() for service in sheet.services],
        "questions": [list(question) for question in sheet.questions],
        "anchors": [list(anchor) for anchor in sheet.anchors], "service_url": sheet.service_url,
        "cerfa": sheet.cerfa, "content_hash": content_hash,
    }


def sheet_from_row(row: SheetRow) -> Sheet:
    return Sheet(
        id=row.id, kind=row.kind, title=row.title, description=row.description, subject=row.subject,
        modified=row.modified, audiences=tuple(row.audiences),
        breadcrumb=tuple(tuple(level) for level in row.breadcrumb), themes=tuple(row.themes),
        dossier_part=row.dossier_part,
        sections=tuple(Section.from_json(section) for section in row.sections), links=tuple(row.links),
        services=tuple(OnlineService.from_json(service) for service in row.services), service_url=row.service_url,
        cerfa=row.cerfa, questions=tuple(tuple(question) for question in row.questions),
        anchors=tuple(tuple(anchor) for anchor in row.anchors),
    )


def list_sheets(*, session: Session) -> list[Sheet]:
    """Every sheet, by id."""
    return [sheet_from_row(row) for row in session.execute(select(SheetRow).order_by(SheetRow.id)).scalars()]


def list_sheet_summaries(*, session: Session) -> list[SheetSummary]:
    """Every sheet's card (title, description, type, date, themes), by id, without reading the bodies."""
    columns = (SheetRow.id, SheetRow.title, SheetRow.description, SheetRow.kind, SheetRow.modified, SheetRow.themes)
    return [SheetSummary(sheet_id, title, description, kind, modified, tuple(themes))
            for sheet_id, title, description, kind, modified, themes
            in session.execute(select(*columns).order_by(SheetRow.id)).all()]


def get_sheet(*, session: Session, sheet_id: str) -> Sheet | None:
    row = session.get(SheetRow, sheet_id)
    return sheet_from_row(row) if row is not None else None


def get_sheets(*, session: Session, sheet_ids: Iterable[str]) -> list[Sheet]:
    """The sheets with these ids that exist, in the order asked (for a list of search results)."""
    wanted = list(dict.fromkeys(sheet_ids))
    rows = {row.id: row for row in session.execute(select(SheetRow).where(SheetRow.id.in_(wanted))).scalars()}
    return [sheet_from_row(rows[sheet_id]) for sheet_id in wanted if sheet_id in rows]


def corpus_fingerprints(*, session: Session) -> dict[str, str]:
    """Each sheet's content hash, by id: what an index cache is keyed on, read without loading the bodies."""
    return dict(session.execute(select(SheetRow.id, SheetRow.content_hash)).all())
