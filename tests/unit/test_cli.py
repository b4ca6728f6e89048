from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.handoff.advisors import authenticate
from assistant.knowledge.loader import read_knowledge
from assistant.migrations import head_revision
from tests.conftest import KNOWLEDGE_DIRECTORY
from tests.unit.privacy import retention_scenario


def run(*arguments: str):
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


def upgraded(path) -> str:
    """The URL of a new SQLite database brought to the newest revision by `guichet db upgrade`."""
    url = f"sqlite:///{path}"
    assert run("db", "upgrade", "--database-url", url).exit_code == 0
    return url


def test_db_upgrade_creates_the_schema_then_has_nothing_to_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"

    first = run("db", "upgrade", "--database-url", url)
    second = run("db", "upgrade", "--database-url", url)

    assert first.exit_code == 0 and f"révision aucune → {head_revision()}" in first.output
    assert second.exit_code == 0 and f"Schéma à jour ({url}) : révision {head_revision()}." in second.output


def test_writing_into_a_database_that_was_not_upgraded_says_what_to_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"

    result = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)

    assert result.exit_code == 1
    assert "La base de données n'est pas initialisée : lancez « guichet db upgrade »." in result.output


def test_load_then_reload_reports_no_change(tmp_path):
    url = upgraded(tmp_path / "kb.db")

    first = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)
    second = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)

    files = read_knowledge(KNOWLEDGE_DIRECTORY)
    assert first.exit_code == 0
    assert (f"{len(files.partners.partners)} partenaires, {len(files.topics.topics)} thèmes, "
            f"{len(files.procedures)} démarches") in " ".join(first.output.split())
    assert "kb_procedure : " in first.output
    assert second.exit_code == 0 and second.output.rstrip().endswith("Aucune modification.")


def test_invalid_files_are_refused_with_their_errors(tiny_knowledge, tmp_path):
    (tiny_knowledge / "partners.yml").write_text("partners: []\n", encoding="utf-8")

    result = run("kb", "load", "--directory", str(tiny_knowledge), "--database-url", upgraded(tmp_path / "x.db"))

    assert result.exit_code == 1
    assert "partners : au moins 1 élément(s) attendu(s)" in result.output
    assert "rien n'a été chargé" in result.output


def test_ask_prints_the_best_procedure_as_a_card(tmp_path):
    url = upgraded(tmp_path / "kb.db")
    run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)

    result = run("ask", "j'ai perdu ma carte vitale", "--limit", "1", "--database-url", url)

    assert result.exit_code == 0
    assert "Étapes" in result.output and "cpam-carte-vitale-perte" in result.output


def test_ask_on_an_empty_database_explains_what_to_do(tmp_path):
    never_upgraded = run("ask", "passeport", "--database-url", f"sqlite:///{tmp_path / 'rien.db'}")
    empty = run("ask", "passeport", "--database-url", upgraded(tmp_path / "vide.db"))

    assert never_upgraded.exit_code == 1 and "lancez « guichet db upgrade »" in never_upgraded.output
    assert empty.exit_code == 1 and "lancez « guichet kb load »" in empty.output


def test_structures_import_prints_a_summary_and_rejected_lines(tmp_path):
    source = tmp_path / "liste.csv"
    source.write_text(
        "id_fs;insee_dep;lib_fs;adresse;insee_com;code_postal;lib_com;latitude;longitude;type_fs;format_fs;h_lundi\n"
        "7;77;France services de Coulommiers;1 rue X;77131;77120;Coulommiers;48.81;3.08;Principal;Fixe;09:00 - 12:00\n"
        "8;77;France services de Lagny;2 rue Y;77243;77400;Lagny;48.87;2.71;Principal;Fixe;9h\n",
        encoding="utf-8",
    )

    result = run("structures", "import", "--from", str(source), "--database-url", upgraded(tmp_path / "s.db"))

    assert result.exit_code == 0
    assert "Ligne 3 rejetée : h_lundi : horaire illisible « 9h »" in result.output
    assert "Structures : 1 importée(s), 0 mise(s) à jour, 0 retirée(s), 1 rejetée(s)" in result.output


def test_structures_import_of_a_missing_file_fails_clearly(tmp_path):
    result = run("structures", "import", "--from", str(tmp_path / "absent.csv"),
                 "--database-url", upgraded(tmp_path / "s.db"))

    assert result.exit_code == 1
    assert "Import impossible : impossible de lire la liste des structures" in result.output


def test_advisors_add_asks_the_password_twice_and_refuses_a_short_one(tmp_path):
    url = upgraded(tmp_path / "guichet.db")
    runner = CliRunner()

    created = runner.invoke(main, ["advisors", "add", "anne", "--name", "Anne Martin", "--departement", "77",
                                   "--database-url", url], input="un mot de passe solide\nun mot de passe solide\n")
    short = runner.invoke(main, ["advisors", "add", "paul", "--name", "Paul", "--database-url", url],
                          input="court\ncourt\n")
    again = runner.invoke(main, ["advisors", "add", "anne", "--name", "Anne", "--database-url", url],
                          env={"GUICHET_ADVISOR_PASSWORD": "un mot de passe solide"})

    assert created.exit_code == 0 and "Compte « anne » créé (Anne Martin, 77)." in created.output
    assert short.exit_code == 1 and "au moins 12 caractères" in short.output
    assert again.exit_code == 1 and "existe déjà" in again.output
    engine = create_database_engine(url)
    with create_session_factory(engine)() as session:
        assert authenticate(session=session, login="anne", password="un mot de passe solide") is not None
    engine.dispose()


def test_structures_near_a_postcode_and_an_unknown_place(tmp_path):
    url = upgraded(tmp_path / "guichet.db")
    run("structures", "import", "--from", str(SHARED_STRUCTURES_LIST), "--database-url", url)
    runner = CliRunner()

    near = runner.invoke(main, ["structures", "near", "77120", "--database-url", url])
    unknown = runner.invoke(main, ["structures", "near", "xyzzy", "--database-url", url])
    empty = runner.invoke(main, ["structures", "near", "77120", "--database-url", upgraded(tmp_path / "e.db")])

    assert near.exit_code == 0 and "Les France Services les plus proches de Coulommiers" in near.output
    assert unknown.exit_code == 1 and "Je ne trouve pas « xyzzy »" in unknown.output
    assert empty.exit_code == 1 and "guichet structures import" in empty.output


def purge_scenario(tmp_path):
    """Old and recent conversations, tickets, events and ratings; returns the two database URLs."""
    tracker_url, database_url = f"sqlite:///{tmp_path / 'rasa-tracker.db'}", f"sqlite:///{tmp_path / 'guichet.db'}"
    engine = create_database_engine(upgraded(tmp_path / "guichet.db"))
    retention_scenario.populate_database(create_session_factory(engine))
    engine.dispose()
    retention_scenario.populate_tracker(tracker_url)
    return tracker_url, database_url


def remaining(database_url: str) -> dict[str, list]:
    engine = create_database_engine(database_url)
    try:
        return retention_scenario.remaining_records(create_session_factory(engine))
    finally:
        engine.dispose()


def test_purge_deletes_old_conversations_and_closed_tickets_and_keeps_open_ones(tmp_path):
    tracker_url, database_url = purge_scenario(tmp_path)
    limit = (retention_scenario.NOW - timedelta(days=90)).date().isoformat()

    result = CliRunner().invoke(main, ["purge", "--older-than", "90d", "--database-url", database_url],
                                env={"GUICHET_TRACKER_DATABASE_URL": tracker_url})

    assert result.exit_code == 0
    assert result.output == (f"Purge : 2 conversations (3 événements de Rasa), 1 ticket clos, 3 événements supprimés "
                             f"(antérieurs au {limit}) ; 1 avis anonymisé.\n")
    assert retention_scenario.remaining_conversations(tracker_url) == {"recente": 2, "en-attente": 1}
    left = remaining(database_url)
    assert left["tickets"] == [("recente", "closed"), ("en-attente", "callback")]
    assert left["messages"] == left["notes"] == left["ticket_ids"]  # the deleted ticket's went with it
    assert left["events"] == ["recente"]
    assert left["ratings"] == [("", "demenagement", False, None), ("", "sante", True, None),
                               ("recente", "demenagement", True, "merci")]


def test_purge_dry_run_counts_and_deletes_nothing(tmp_path):
    tracker_url, database_url = purge_scenario(tmp_path)
    before = remaining(database_url)

    result = run("purge", "--older-than", "90d", "--dry-run", "--database-url", database_url,
                 "--tracker-url", tracker_url)

    assert result.exit_code == 0
    assert result.output.startswith("Simulation, rien n'est supprimé : 2 conversations (3 événements de Rasa), "
                                    "1 ticket clos, 3 événements à supprimer (antérieurs au ")
    assert result.output.endswith(") ; 1 avis à anonymiser.\n")
    assert retention_scenario.remaining_conversations(tracker_url) == {
        "ancienne": 2, "moins-ancienne": 1, "recente": 2, "en-attente": 1}
    assert remaining(database_url) == before and len(before["tickets"]) == 3


def test_purge_with_a_longer_retention_keeps_more(tmp_path):
    tracker_url, database_url = purge_scenario(tmp_path)

    result = run("purge", "--older-than", "180j", "--database-url", database_url, "--tracker-url", tracker_url)

    assert result.output.startswith("Purge : 1 conversation (2 événements de Rasa), 0 ticket clos, 2 événements "
                                    "supprimés (antérieurs au ")
    assert retention_scenario.remaining_conversations(tracker_url) == {
        "moins-ancienne": 1, "recente": 2, "en-attente": 1}


@pytest.mark.parametrize("duration", ["3m", "90", "0d", "quatre-vingt-dix jours"])
def test_purge_refuses_a_duration_it_cannot_read(tmp_path, duration):
    result = run("purge", "--older-than", duration, "--database-url", f"sqlite:///{tmp_path / 'g.db'}",
                 "--tracker-url", f"sqlite:///{tmp_path / 't.db'}")

    assert result.exit_code == 2
    assert result.output.startswith(f"Purge impossible : durée invalide « {duration} » : ")
    assert not (tmp_path / "g.db").exists()


def test_purge_without_a_tracker_store_yet_does_not_create_one(tmp_path):
    result = run("purge", "--database-url", upgraded(tmp_path / "g.db"),
                 "--tracker-url", f"sqlite:///{tmp_path / 'rasa-tracker.db'}")

    assert result.exit_code == 0
    assert "Aucune conversation Rasa à purger" in result.output
    assert "Purge : 0 conversation (0 événement de Rasa), 0 ticket clos, 0 événement supprimés" in result.output
    assert not (tmp_path / "rasa-tracker.db").exists()


def test_purge_with_an_unreachable_database_says_so_and_deletes_nothing(tmp_path):
    tracker_url, database_url = purge_scenario(tmp_path)

    result = run("purge", "--database-url", database_url,
                 "--tracker-url", "postgresql://guichet:secret@127.0.0.1:1/guichet_tracker")

    assert result.exit_code == 1
    assert result.output.startswith("Purge impossible, rien n'est supprimé : ")
    assert "secret" not in result.output
    assert len(remaining(database_url)["tickets"]) == 3
    assert len(retention_scenario.remaining_conversations(tracker_url)) == 4


def test_sheets_import_search_and_show(tmp_path, monkeypatch):
    from tests.unit.sheets.conftest import paragraph, sheet_xml, write_zip

    monkeypatch.setenv("GUICHET_CACHE_DIR", str(tmp_path / "cache"))
    url = upgraded(tmp_path / "sheets.db")
    pieces = ('<Texte><Chapitre type="pieces"><Titre>' + paragraph("Pièces à fournir") + "</Titre>"
              + paragraph("Justificatif de domicile") + "</Chapitre></Texte>")
    archive = write_zip(tmp_path / "vosdroits.zip", {
        "F21032.xml": sheet_xml("F21032", "Que doit faire un étranger en cas de perte de sa carte de séjour ?",
                                kind="Fiche Question-réponse", modified="2020-10-29", body=pieces),
        "F1427.xml": sheet_xml("F1427", "Acte de naissance : demande de copie"),
        "F999999.xml": sheet_xml("F999999", "Une fiche parue après les formulations courantes"),
        "F9.xml": b"<broken",
    })

    imported = run("sheets", "import", "--from", str(archive), "--lexical", "--database-url", url)
    found = run("sheets", "search", "g perdu ma carte de sejour", "--lexical", "--database-url", url)
    nothing = run("sheets", "search", "recette de la blanquette", "--lexical", "--database-url", url)
    shown = run("sheets", "show", "f21032", "--documents", "--database-url", url)

    assert imported.exit_code == 0
    assert "Fichier F9.xml rejeté : XML illisible" in imported.output
    assert "Fiches : 3 importée(s), 0 mise(s) à jour, 0 retirée(s), 1 rejetée(s)" in " ".join(imported.output.split())
    assert "1 fiche(s) sans formulations courantes dans wordings.yml, que la recherche trouvera moins bien tant " \
           "qu'elles n'en ont pas : F999999" in " ".join(imported.output.split())
    assert found.exit_code == 0
    assert found.output.startswith("1. Que doit faire un étranger en cas de perte de sa carte de séjour ? "
                                   "(Question-réponse, F21032)")
    assert "Fiche mise à jour le 29/10/2020 · https://www.service-public.gouv.fr/particuliers/vosdroits/F21032" \
        in found.output
    assert nothing.exit_code == 1 and "Aucune fiche ne correspond" in nothing.output
    assert shown.exit_code == 0 and "Pièces à fournir\nJustificatif de domicile" in shown.output


def test_sheets_search_before_any_import_says_what_to_run(tmp_path):
    result = run("sheets", "search", "naturalisation", "--lexical", "--database-url", upgraded(tmp_path / "e.db"))

    assert result.exit_code == 1 and "lancez d'abord « guichet sheets import »" in result.output


def test_ask_searches_the_procedures_and_the_sheets(tmp_path):
    from assistant.sheets.importer import import_sheets
    from tests.unit.actions.test_open_world import RESIDENCE_PERMIT
    from tests.unit.sheets.conftest import sheet_xml, write_zip

    url = upgraded(tmp_path / "kb.db")
    run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)
    engine = create_database_engine(url)
    import_sheets(create_session_factory(engine), write_zip(tmp_path / "f.zip", {
        "F21032.xml": RESIDENCE_PERMIT, "F2213.xml": sheet_xml("F2213", "Naturalisation")}))
    engine.dispose()

    result = CliRunner().invoke(main, ["ask", "perte de ma carte de séjour", "--database-url", url],
                                env={"GUICHET_CACHE_DIR": str(tmp_path / "cache")})

    assert result.exit_code == 0
    assert "Fiches service-public.fr" in result.output
    assert "Que doit faire un étranger en cas de perte de sa carte de séjour ?" in result.output
    assert "Fiche mise à jour le 21/07/2020" in result.output
