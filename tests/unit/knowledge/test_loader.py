from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from assistant.knowledge import KnowledgeBase
from assistant.knowledge.loader import KnowledgeValidationError, load_knowledge_into_database, read_knowledge
from assistant.knowledge.models import ChecklistItemRow, ProcedureRow, ProcedureTopicRow


def edit(path: Path, change) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def count(session_factory, model) -> int:
    with session_factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_first_load_adds_everything(tiny_knowledge, session_factory):
    summary = load_knowledge_into_database(session_factory, tiny_knowledge)

    assert (summary.partners, summary.topics, summary.procedures) == (2, 2, 3)
    assert summary.changes["kb_procedure"].added == 3
    assert count(session_factory, ProcedureTopicRow) == 4
    assert count(session_factory, ChecklistItemRow) == 2


def test_loading_twice_changes_nothing(tiny_knowledge, session_factory):
    load_knowledge_into_database(session_factory, tiny_knowledge)

    second = load_knowledge_into_database(session_factory, tiny_knowledge)

    assert not second.changed
    assert count(session_factory, ProcedureRow) == 3


def test_an_edited_procedure_is_updated_in_place(tiny_knowledge, session_factory):
    load_knowledge_into_database(session_factory, tiny_knowledge)
    edit(tiny_knowledge / "procedures" / "caf.yml",
         lambda d: d["procedures"][0].update(title="Déclarer sa nouvelle adresse à la CAF"))

    summary = load_knowledge_into_database(session_factory, tiny_knowledge)

    assert summary.changes["kb_procedure"].updated == 1
    assert summary.changes["kb_procedure"].added == summary.changes["kb_procedure"].removed == 0
    with session_factory() as session:
        assert session.get(ProcedureRow, "caf-adresse").title == "Déclarer sa nouvelle adresse à la CAF"


def test_a_procedure_removed_from_the_files_leaves_the_database(tiny_knowledge, session_factory):
    load_knowledge_into_database(session_factory, tiny_knowledge)
    edit(tiny_knowledge / "procedures" / "caf.yml", lambda d: d["procedures"].pop(1))

    summary = load_knowledge_into_database(session_factory, tiny_knowledge)

    assert summary.changes["kb_procedure"].removed == 1
    assert summary.changes["kb_procedure_topic"].removed == 2
    with session_factory() as session:
        assert session.get(ProcedureRow, "caf-aide-logement") is None


def test_service_public_links_point_to_the_current_portal(tiny_knowledge, session_factory):
    load_knowledge_into_database(session_factory, tiny_knowledge)

    procedure = KnowledgeBase.from_session_factory(session_factory).procedure("caf-adresse")

    assert procedure.service_public_reference == "F1234"
    assert procedure.service_public_url == "https://www.service-public.gouv.fr/particuliers/vosdroits/F1234"


def test_errors_name_the_file_the_record_and_the_field_in_french(tiny_knowledge):
    caf = tiny_knowledge / "procedures" / "caf.yml"
    edit(caf, lambda d: (d["procedures"][1].pop("steps"), d["procedures"][0].update(online_service="http://x.fr")))

    with pytest.raises(KnowledgeValidationError) as raised:
        read_knowledge(tiny_knowledge)

    assert raised.value.errors == [
        f"{caf} : procedures[caf-adresse].online_service : l'adresse doit commencer par https://",
        f"{caf} : procedures[caf-aide-logement].steps : champ obligatoire manquant",
    ]


def test_unknown_topics_and_checklist_entries_are_reported(tiny_knowledge):
    caf = tiny_knowledge / "procedures" / "caf.yml"
    edit(caf, lambda d: d["procedures"][0].update(topics=["demenagement", "vacances"]))
    edit(tiny_knowledge / "topics.yml", lambda d: d["topics"][0]["checklist"].append(
        {"procedure": "caf-inconnue", "when": "Jamais"}))

    with pytest.raises(KnowledgeValidationError) as raised:
        read_knowledge(tiny_knowledge)

    assert raised.value.errors == [
        f"{caf} : procedures[caf-adresse].topics : thème inconnu « vacances »",
        "topics.yml : topics[demenagement].checklist[caf-inconnue] : démarche inconnue",
    ]


def test_a_yaml_syntax_error_gives_the_line(tiny_knowledge):
    topics = tiny_knowledge / "topics.yml"
    topics.write_text("topics:\n  - slug: x\n   title: [\n", encoding="utf-8")

    with pytest.raises(KnowledgeValidationError) as raised:
        read_knowledge(tiny_knowledge)

    assert raised.value.errors[0].startswith(f"{topics} (ligne 3) : YAML invalide")


def test_invalid_files_write_nothing(tiny_knowledge, session_factory):
    load_knowledge_into_database(session_factory, tiny_knowledge)
    edit(tiny_knowledge / "procedures" / "caf.yml", lambda d: d["procedures"][0].update(reviewed="hier"))
    edit(tiny_knowledge / "procedures" / "la_poste.yml", lambda d: d["procedures"][0].update(title="Nouveau titre"))

    with pytest.raises(KnowledgeValidationError):
        load_knowledge_into_database(session_factory, tiny_knowledge)

    with session_factory() as session:
        assert session.get(ProcedureRow, "laposte-reexpedition").title == "Faire suivre son courrier"


def test_a_file_must_be_named_after_its_partner(tiny_knowledge):
    (tiny_knowledge / "procedures" / "caf.yml").rename(tiny_knowledge / "procedures" / "allocations.yml")

    with pytest.raises(KnowledgeValidationError) as raised:
        read_knowledge(tiny_knowledge)

    assert raised.value.errors == [
        f"{tiny_knowledge / 'procedures' / 'allocations.yml'} : le fichier doit s'appeler caf.yml"
    ]
