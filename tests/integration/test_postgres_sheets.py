"""The sheets' import on PostgreSQL, the production database: the same zip imported twice, updated in place."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from assistant.db import create_database_engine, create_session_factory
from assistant.migrations import upgrade_database
from assistant.sheets.importer import import_sheets
from assistant.sheets.repository import get_sheet, list_sheets
from assistant.sheets.service import load_sheet_search
from tests.unit.sheets.conftest import paragraph, sheet_xml

pytestmark = pytest.mark.postgres


def archive(path, files):
    with zipfile.ZipFile(path, "w") as written:
        for name, content in files.items():
            written.writestr(name, content)
    return path


def test_import_update_withdraw_and_search_on_postgres(postgres_url, tmp_path):
    engine = create_database_engine(postgres_url)
    upgrade_database(engine)
    sessions = create_session_factory(engine)
    first = {
        "F2213.xml": sheet_xml("F2213", "Naturalisation", body=f"<Texte>{paragraph('Décret. Cinq ans.')}</Texte>"),
        "F1427.xml": sheet_xml("F1427", "Acte de naissance : demande de copie", modified="2020-03-01"),
        "N359.xml": sheet_xml("N359", "Actes d'état civil", kind="Dossier"),
    }
    second = {**first, "F1427.xml": sheet_xml("F1427", "Acte de naissance : demande de copie intégrale",
                                              modified="2020-11-12")}
    del second["N359.xml"]

    added = import_sheets(sessions, archive(tmp_path / "first.zip", first))
    updated = import_sheets(sessions, archive(tmp_path / "second.zip", second))
    search = load_sheet_search(sessions, cache_directory=tmp_path / "cache", dense=False)
    with sessions() as session:
        stored = get_sheet(session=session, sheet_id="F1427")
        ids = [sheet.id for sheet in list_sheets(session=session)]
    engine.dispose()

    assert (added.added, updated.updated, updated.removed, updated.unchanged) == (3, 1, 1, 1)
    assert (stored.title, stored.modified) == ("Acte de naissance : demande de copie intégrale", date(2020, 11, 12))
    assert ids == ["F1427", "F2213"]
    assert search.search("naturalisaton", limit=1)[0].sheet.id == "F2213"
