from __future__ import annotations

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from assistant.config import SHARED_STRUCTURES_LIST
from assistant.knowledge.loader import load_knowledge_into_database
from assistant.structures.importer import import_structures
from tests.conftest import KNOWLEDGE_DIRECTORY
from tests.unit.web.conftest import logged_in


@pytest.fixture
def console(make_app, ticket, session_factory):
    """An advisor logged in, on a database holding the real knowledge base and list of structures."""
    load_knowledge_into_database(session_factory, KNOWLEDGE_DIRECTORY)
    import_structures(session_factory, SHARED_STRUCTURES_LIST)
    return logged_in(make_app())


def test_the_search_api_is_for_advisors_only(make_app, ticket):
    assert TestClient(make_app()).get("/api/reference/procedures?q=carte").status_code == 401


def test_procedures_are_found_as_one_types_and_filtered(console):
    found = console.get("/api/reference/procedures", params={"q": "carte grise demenagement"}).json()["results"]
    caf_only = console.get("/api/reference/procedures", params={"q": "demenagement", "partenaire": "caf"}).json()
    by_topic = console.get("/api/reference/procedures", params={"theme": "naissance"}).json()["results"]

    assert found[0]["id"] == "ants-carte-grise-changement-adresse"
    assert {r["partner"] for r in caf_only["results"]} == {"Caisse d'allocations familiales (CAF)"}
    assert by_topic and all("naissance" in r["topics"] for r in by_topic)
    assert "Carte grise" in console.get("/conseiller/reference", params={"q": "carte grise"}).text


def test_a_printable_sheet_that_can_be_sent_to_the_citizen(console):
    page = console.get("/conseiller/reference/fiches/ants-passeport").text

    assert "passeport" in page.split("<h1>", 1)[1].split("</h1>", 1)[0].lower()
    assert "Documents à avoir sous la main" in page and "window.print()" in page
    mailto = page.split('href="mailto:', 1)[1].split('"', 1)[0]
    assert unquote(mailto).startswith("?subject=Votre démarche : ")
    assert "Documents à avoir sous la main" in unquote(mailto)
    assert console.get("/conseiller/reference/fiches/inconnue").status_code == 404


def test_the_directory_of_structures(console):
    page = console.get("/conseiller/annuaire", params={"q": "77120"}).text

    assert "Les France Services les plus proches de Coulommiers" in page
    assert "département Seine-et-Marne (77)" in console.get("/conseiller/annuaire", params={"q": "77"}).text


def test_before_anything_is_imported_the_console_explains_instead_of_failing(make_app, ticket):
    anne = logged_in(make_app())  # the database holds the tickets only

    directory = anne.get("/conseiller/annuaire", params={"q": "77120"})
    search = anne.get("/api/reference/procedures", params={"q": "carte grise"})
    reference = anne.get("/conseiller/reference", params={"q": "carte grise"})

    assert directory.status_code == 503
    assert "La liste des France Services n&#39;est pas importée : lancez « guichet structures import »." in (
        directory.text)
    assert search.status_code == 503 and search.json() == {
        "detail": "La base de connaissances des démarches n'est pas chargée : lancez « guichet kb load »."}
    assert reference.status_code == 503 and "guichet kb load" in reference.text


@pytest.fixture
def with_sheets(session_factory, tmp_path):
    """Three service-public.fr sheets in the test's database (the search is built from them)."""
    from assistant.sheets.importer import import_sheets
    from tests.unit.actions.test_open_world import RESIDENCE_PERMIT
    from tests.unit.sheets.conftest import paragraph, sheet_xml, write_zip

    files = {
        "F21032.xml": RESIDENCE_PERMIT,
        "F1367.xml": sheet_xml("F1367", "Listes électorales : inscription", theme="Papiers - Citoyenneté",
                               description="Pour voter, il faut être inscrit sur les listes électorales.",
                               body="<Texte>" + paragraph("L'inscription se fait en mairie ou en ligne.") + "</Texte>"),
        "R16396.xml": sheet_xml("R16396", "Téléservice : inscription sur les listes électorales",
                                kind="Téléservice", description="Demande d'inscription en ligne."),
    }
    import_sheets(session_factory, write_zip(tmp_path / "sheets.zip", files))


def test_procedures_and_sheets_are_searched_together_with_filters(console, with_sheets):
    found = console.get("/api/reference/search", params={"q": "inscription listes electorales"}).json()
    forms_only = console.get("/api/reference/search", params={"q": "inscription listes electorales",
                                                              "type": "teleservice"}).json()

    assert found["sheets_missing"] is None
    assert [sheet["id"] for sheet in found["sheets"]][:2] == ["F1367", "R16396"]
    assert found["sheets"][0]["updated"] == "2020-07-21" and found["sheets"][0]["type_label"] == "Fiche pratique"
    assert [sheet["id"] for sheet in forms_only["sheets"]] == ["R16396"]
    page = console.get("/conseiller/reference", params={"q": "inscription listes electorales"}).text
    assert "Listes électorales : inscription</a> — Fiche pratique, fiche mise à jour le 21/07/2020" in page


def test_without_sheets_the_procedures_still_answer_and_the_missing_sheets_are_said(console):
    found = console.get("/api/reference/search", params={"q": "carte grise"}).json()

    assert found["procedures"] and found["sheets"] == []
    assert found["sheets_missing"] == ("Les fiches de service-public.fr ne sont pas importées : lancez « guichet "
                                       "sheets import ».")


def test_a_sheet_printable_for_the_citizen_with_its_date_and_live_link(console, with_sheets):
    page = console.get("/conseiller/reference/service-public/F21032").text

    assert "fiche mise à jour le 21/07/2020" in page
    assert 'href="https://www.service-public.gouv.fr/particuliers/vosdroits/F21032"' in page
    assert "Déclaration de perte" in page and "window.print()" in page
    assert unquote(page.split('href="mailto:', 1)[1].split('"', 1)[0]).startswith("?subject=Fiche : Que doit faire")
    assert console.get("/conseiller/reference/service-public/F0").status_code == 404
