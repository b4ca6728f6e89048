from __future__ import annotations

import csv
import functools
import http.server
import io
import threading
from datetime import date

import pytest

from assistant.config import SHARED_STRUCTURES_LIST
from assistant.structures.importer import RejectedRow, StructureImportError, import_structures
from assistant.structures.models import StructureRow

HEADER = ("id_fs,insee_dep,lib_fs,adresse,complement_adresse,insee_com,code_postal,lib_com,latitude,longitude,mail,"
          "telephone,h_lundi,h_mardi,h_mercredi,h_jeudi,h_vendredi,h_samedi,prise_rdv,commentaire,type_fs,format_fs,"
          "groupe_fs,labellisation_fs")


def row(structure_id: str, *, name="France services de Test", latitude="48.5", monday="09:00 - 12:00",
        comment="") -> list[str]:
    return [structure_id, "77", name, "1 rue de la Mairie", "", "77131", "77120", "Coulommiers", latitude, "3.08",
            "fs@test.fr", "01 23 45 67 89", monday, "", "", "", "", "", "Oui", comment, "Principal", "Fixe", "",
            "Espace labellisé 01/03/2021"]


def write_list(path, rows, *, delimiter=",", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def stored(session_factory, structure_id):
    with session_factory() as session:
        return session.get(StructureRow, structure_id)


def test_the_official_list_imports_every_structure(session_factory):
    if not SHARED_STRUCTURES_LIST.exists():
        pytest.fail(f"liste officielle absente : {SHARED_STRUCTURES_LIST} (../shared doit être à côté du dépôt)")

    first = import_structures(session_factory, SHARED_STRUCTURES_LIST)
    second = import_structures(session_factory, SHARED_STRUCTURES_LIST)

    assert (first.added, first.rejected) == (2845, [])
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 2845)
    valserhone = stored(session_factory, 1)
    assert (valserhone.name, valserhone.postcode, valserhone.insee_commune) == (
        "France services de Valserhône", "01200", "01033")
    assert valserhone.hours["lundi"] == [["13:30", "17:00"]]
    assert valserhone.hours["mardi"] == [["09:00", "12:00"], ["13:30", "17:00"]]
    assert valserhone.hours["samedi"] == []
    assert (valserhone.appointment_required, valserhone.labelled_on) == (False, date(2020, 1, 1))


def test_a_semicolon_list_with_a_bom_is_read(session_factory, tmp_path):
    source = write_list(tmp_path / "live.csv", [row("10"), row("11", comment="Bus ; itinéraire\nsur deux lignes")],
                        delimiter=";", bom=True)

    report = import_structures(session_factory, source)

    assert (report.added, report.rejected) == (2, [])
    assert stored(session_factory, 11).comment == "Bus ; itinéraire\nsur deux lignes"


def test_bad_rows_are_reported_with_their_line_and_do_not_stop_the_import(session_factory, tmp_path):
    rows = [row("1", comment="deux\nlignes"), row("2", latitude="nord"), row("3", monday="9h-midi"),
            row("1"), row("4", name=""), row("5")]
    source = write_list(tmp_path / "list.csv", rows)

    report = import_structures(session_factory, source)

    assert report.added == 2
    assert [(r.line, r.structure_id) for r in report.rejected] == [(4, 2), (5, 3), (6, 1), (7, 4)]
    assert report.rejected[0].reason == "latitude : doit être un nombre"
    assert report.rejected[1].reason == "h_lundi : horaire illisible « 9h-midi » (attendu HH:MM - HH:MM)"
    assert report.rejected[2] == RejectedRow(6, "id_fs 1 déjà présent ligne 2", 1)
    assert report.rejected[3].reason == "lib_fs : texte trop court (au moins 1 caractères)"


def test_reimport_updates_in_place_removes_departed_and_keeps_rejected(session_factory, tmp_path):
    import_structures(session_factory, write_list(tmp_path / "v1.csv", [row("1"), row("2"), row("3")]))

    report = import_structures(session_factory, write_list(
        tmp_path / "v2.csv", [row("1", name="France services de Coulommiers"), row("3", latitude="999")]))

    assert (report.added, report.updated, report.unchanged, report.removed) == (0, 1, 0, 1)
    assert stored(session_factory, 1).name == "France services de Coulommiers"
    assert stored(session_factory, 2) is None
    assert stored(session_factory, 3).latitude == 48.5


def test_a_file_without_the_expected_columns_is_refused(session_factory, tmp_path):
    source = tmp_path / "autre.csv"
    source.write_text("nom;ville\nA;B\n", encoding="utf-8")

    with pytest.raises(StructureImportError, match="colonnes manquantes dans la liste : id_fs, insee_dep"):
        import_structures(session_factory, source)


def test_a_missing_file_is_a_clear_error(session_factory, tmp_path):
    with pytest.raises(StructureImportError, match="impossible de lire la liste des structures"):
        import_structures(session_factory, tmp_path / "absent.csv")


def test_the_list_can_be_downloaded_from_a_url(session_factory, tmp_path):
    write_list(tmp_path / "liste.csv", [row("21"), row("22")], delimiter=";", bom=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        report = import_structures(session_factory, f"{base}/liste.csv")
        with pytest.raises(StructureImportError, match="404"):
            import_structures(session_factory, f"{base}/absente.csv")
        server.shutdown()

    assert report.added == 2


def test_a_comment_holding_the_separator_unquoted_keeps_every_column_in_place(tmp_path, session_factory):
    """Structure 284 of the August 2024 list: its comment's comma is not quoted, so the row has one field too
    many; read naively, a sentence of the comment would become the structure's type."""
    shifted = ",".join(row("284", comment="")[:19]) + (
        ",A l'occasion des 30 ans, venez nous voir,Principal,Multisites,Volvestre,Espace labellisé 01/01/2020\n")
    source = write_list(tmp_path / "liste.csv", [row("1"), row("2")])
    source.write_text(source.read_text() + shifted)

    report = import_structures(session_factory, source)

    structure = stored(session_factory, 284)
    assert (report.added, report.rejected) == (3, [])
    assert (structure.kind, structure.format, structure.group) == ("Principal", "Multisites", "Volvestre")
    assert structure.comment == "A l'occasion des 30 ans, venez nous voir"
    assert structure.labelled_on == date(2020, 1, 1)
