from __future__ import annotations

import functools
import http.server
import threading
from datetime import date

import pytest

from assistant.config import SHARED_SHEETS_ARCHIVE
from assistant.sheets.importer import RejectedFile, SheetImportError, import_sheets
from assistant.sheets.models import SheetRow
from assistant.sheets.repository import get_sheet, get_sheets, list_sheets
from tests.unit.sheets.conftest import paragraph, sheet_xml


def body(text: str) -> str:
    return f"<Texte>{paragraph(text)}</Texte>"


FIRST_ARCHIVE = {
    "F1342.xml": sheet_xml("F1342", "Carte d'identité d'un mineur", body=body("Se rendre en mairie.")),
    "F2191.xml": sheet_xml("F2191", "Attestation d'accueil", body=body("Demande en mairie."), modified="2020-01-02"),
    "R1406.xml": sheet_xml("R1406", "Téléservice : Demande d'acte de naissance", kind="Téléservice"),
    "N358.xml": sheet_xml("N358", "Carte d'identité", kind="Dossier"),
    "F999.xml": "<Publication ID='F999'><dc:title>Coupé au milieu".encode(),
    "arborescence.xml": b"<Arborescence/>",
    "LISEZMOI.txt": b"Fichiers de la DILA",
}


def stored(session_factory, sheet_id):
    with session_factory() as session:
        return get_sheet(session=session, sheet_id=sheet_id)


def test_sheets_are_imported_and_a_malformed_file_is_reported_with_its_reason(session_factory, make_zip):
    report = import_sheets(session_factory, make_zip(FIRST_ARCHIVE))

    assert (report.added, report.updated, report.removed, report.unchanged) == (4, 0, 0, 0)
    assert [(file.name, file.sheet_id) for file in report.rejected] == [("F999.xml", "F999")]
    assert report.rejected[0].reason.startswith("XML illisible")
    assert report.newest == date(2020, 7, 21)
    sheet = stored(session_factory, "F1342")
    assert (sheet.title, sheet.modified, sheet.sections[0].text) == (
        "Carte d'identité d'un mineur", date(2020, 7, 21), "Se rendre en mairie.")
    assert stored(session_factory, "R1406").family == "teleservice"


def test_a_second_import_updates_in_place_removes_withdrawn_sheets_and_keeps_rejected_ones(
        session_factory, make_zip):
    import_sheets(session_factory, make_zip({**FIRST_ARCHIVE,
                                             "F999.xml": sheet_xml("F999", "Vote par procuration")}))
    second = {
        "F1342.xml": FIRST_ARCHIVE["F1342.xml"],
        "F2191.xml": sheet_xml("F2191", "Attestation d'accueil", body=body("Demande en mairie, 30 € de timbre."),
                               modified="2020-11-12"),
        "R1406.xml": FIRST_ARCHIVE["R1406.xml"],
        "F999.xml": b"pas du XML",
    }  # N358 withdrawn, F2191 changed, F999 damaged this time

    report = import_sheets(session_factory, make_zip(second))

    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 1, 2)
    assert [file.sheet_id for file in report.rejected] == ["F999"]
    assert report.newest == date(2020, 11, 12)
    assert stored(session_factory, "N358") is None
    assert stored(session_factory, "F999").title == "Vote par procuration"  # kept as it was
    changed = stored(session_factory, "F2191")
    assert (changed.modified, changed.sections[0].text) == (date(2020, 11, 12), "Demande en mairie, 30 € de timbre.")
    with session_factory() as session:
        assert [sheet.id for sheet in list_sheets(session=session)] == ["F1342", "F2191", "F999", "R1406"]
        assert [sheet.id for sheet in get_sheets(session=session, sheet_ids=["R1406", "N358", "F1342"])] == [
            "R1406", "F1342"]


def test_an_unchanged_archive_writes_nothing(session_factory, make_zip):
    archive = make_zip(FIRST_ARCHIVE)
    import_sheets(session_factory, archive)
    with session_factory() as session:
        before = {row.id: row.content_hash for row in session.query(SheetRow)}

    report = import_sheets(session_factory, archive)

    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 4)
    with session_factory() as session:
        assert {row.id: row.content_hash for row in session.query(SheetRow)} == before


def test_a_file_whose_id_is_not_its_name_or_repeated_is_rejected(session_factory, make_zip):
    report = import_sheets(session_factory, make_zip({
        "F1.xml": sheet_xml("F2", "Titre"),
        "F3.xml": sheet_xml("F3", "Titre"),
        "copie/F3.xml": sheet_xml("F3", "Titre"),
    }))

    assert report.added == 1
    assert report.rejected == [
        RejectedFile("F1.xml", "l'identifiant F2 ne correspond pas au nom du fichier", "F1"),
        RejectedFile("copie/F3.xml", "fiche F3 déjà lue dans F3.xml", "F3"),
    ]


@pytest.mark.parametrize(("files", "reason"), [
    (None, "ce n'est pas une archive zip lisible"),
    ({"F1.xml": b"<broken"}, "aucune fiche valide dans l'archive (1 fichier(s) rejeté(s)) : rien n'a été modifié"),
    ({"menu.xml": b"<Menu/>"}, "aucune fiche valide dans l'archive : rien n'a été modifié"),
])
def test_an_unusable_archive_changes_nothing(session_factory, make_zip, tmp_path, files, reason):
    import_sheets(session_factory, make_zip(FIRST_ARCHIVE))
    if files is None:
        source = tmp_path / "vide.zip"
        source.write_bytes(b"not a zip")
    else:
        source = make_zip(files)

    with pytest.raises(SheetImportError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        import_sheets(session_factory, source)

    assert stored(session_factory, "F1342") is not None


def test_a_missing_file_is_a_clear_error(session_factory, tmp_path):
    with pytest.raises(SheetImportError, match="impossible de lire l'archive des fiches"):
        import_sheets(session_factory, tmp_path / "absent.zip")


def test_the_archive_can_come_from_an_url(session_factory, make_zip):
    archive = make_zip(FIRST_ARCHIVE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(archive.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        report = import_sheets(session_factory, f"http://127.0.0.1:{server.server_port}/{archive.name}")
    finally:
        server.shutdown()
        server.server_close()

    assert report.added == 4


def test_the_shared_archive_imports_every_sheet(session_factory):
    if not SHARED_SHEETS_ARCHIVE.exists():
        pytest.fail(f"archive des fiches absente : {SHARED_SHEETS_ARCHIVE} (../shared doit être à côté du dépôt)")

    report = import_sheets(session_factory, SHARED_SHEETS_ARCHIVE)

    assert (report.added, report.rejected, report.newest) == (4873, [], date(2020, 11, 12))
    sheet = stored(session_factory, "F1342")
    assert sheet.title == "Carte d'identité d'un mineur : première demande"
    assert any(section.about_documents and "Justificatif de domicile" in section.text for section in sheet.sections)
