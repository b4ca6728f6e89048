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
