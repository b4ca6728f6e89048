from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_schema, create_session_factory
from assistant.handoff.advisors import authenticate
from tests.conftest import KNOWLEDGE_DIRECTORY
from tests.unit.privacy import retention_scenario


def run(*arguments: str):
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


def test_load_then_reload_reports_no_change(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"

    first = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)
    second = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)

    assert first.exit_code == 0 and "16 partenaires, 18 thèmes" in first.output
    assert "kb_procedure : " in first.output
    assert second.exit_code == 0 and second.output.rstrip().endswith("Aucune modification.")


def test_invalid_files_are_refused_with_their_errors(tiny_knowledge, tmp_path):
    (tiny_knowledge / "partners.yml").write_text("partners: []\n", encoding="utf-8")

    result = run("kb", "load", "--directory", str(tiny_knowledge), "--database-url", f"sqlite:///{tmp_path / 'x.db'}")

    assert result.exit_code == 1
    assert "partners : au moins 1 élément(s) attendu(s)" in result.output
    assert "rien n'a été chargé" in result.output


def test_ask_prints_the_best_procedure_as_a_card(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)

    result = run("ask", "j'ai perdu ma carte vitale", "--limit", "1", "--database-url", url)

    assert result.exit_code == 0
    assert "Étapes" in result.output and "cpam-carte-vitale-perte" in result.output


def test_ask_on_an_empty_database_explains_what_to_do(tmp_path):
    result = run("ask", "passeport", "--database-url", f"sqlite:///{tmp_path / 'vide.db'}")

    assert result.exit_code == 1
    assert "guichet kb load" in result.output


def test_structures_import_prints_a_summary_and_rejected_lines(tmp_path):
    source = tmp_path / "liste.csv"
    source.write_text(
        "id_fs;insee_dep;lib_fs;adresse;insee_com;code_postal;lib_com;latitude;longitude;type_fs;format_fs;h_lundi\n"
        "7;77;France services de Coulommiers;1 rue X;77131;77120;Coulommiers;48.81;3.08;Principal;Fixe;09:00 - 12:00\n"
        "8;77;France services de Lagny;2 rue Y;77243;77400;Lagny;48.87;2.71;Principal;Fixe;9h\n",
        encoding="utf-8",
    )

    result = run("structures", "import", "--from", str(source), "--database-url", f"sqlite:///{tmp_path / 's.db'}")

    assert result.exit_code == 0
    assert "Ligne 3 rejetée : h_lundi : horaire illisible « 9h »" in result.output
    assert "Structures : 1 importée(s), 0 mise(s) à jour, 0 retirée(s), 1 rejetée(s)" in result.output


def test_structures_import_of_a_missing_file_fails_clearly(tmp_path):
    result = run("structures", "import", "--from", str(tmp_path / "absent.csv"),
                 "--database-url", f"sqlite:///{tmp_path / 's.db'}")

    assert result.exit_code == 1
    assert "Import impossible : impossible de lire la liste des structures" in result.output


def test_advisors_add_asks_the_password_twice_and_refuses_a_short_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'guichet.db'}"
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
    url = f"sqlite:///{tmp_path / 'guichet.db'}"
    run("structures", "import", "--from", str(SHARED_STRUCTURES_LIST), "--database-url", url)
    runner = CliRunner()

    near = runner.invoke(main, ["structures", "near", "77120", "--database-url", url])
    unknown = runner.invoke(main, ["structures", "near", "xyzzy", "--database-url", url])
    empty = runner.invoke(main, ["structures", "near", "77120", "--database-url", f"sqlite:///{tmp_path / 'e.db'}"])

    assert near.exit_code == 0 and "Les France Services les plus proches de Coulommiers" in near.output
    assert unknown.exit_code == 1 and "Je ne trouve pas « xyzzy »" in unknown.output
    assert empty.exit_code == 1 and "guichet structures import" in empty.output


def purge_scenario(tmp_path):
    """Old and recent conversations, tickets, events and ratings; returns the two database URLs."""
    tracker_url, database_url = f"sqlite:///{tmp_path / 'rasa-tracker.db'}", f"sqlite:///{tmp_path / 'guichet.db'}"
    engine = create_database_engine(database_url)
    create_schema(engine)
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
    result = run("purge", "--database-url", f"sqlite:///{tmp_path / 'g.db'}",
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
