from __future__ import annotations

from click.testing import CliRunner

from assistant.cli import main
from assistant.config import SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.handoff.advisors import authenticate
from tests.conftest import KNOWLEDGE_DIRECTORY


def run(*arguments: str):
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


def test_load_then_reload_reports_no_change(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"

    first = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)
    second = run("kb", "load", "--directory", str(KNOWLEDGE_DIRECTORY), "--database-url", url)

    assert first.exit_code == 0 and "12 partenaires, 15 thèmes" in first.output
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
