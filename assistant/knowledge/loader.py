"""Validate the reviewed knowledge files and synchronise them into the database.

Everything is validated before anything is written, and the database is brought to exactly what
the files say (rows added, changed or removed), so loading the same files twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from assistant.db import update_in_place
from assistant.knowledge.figures import cite
from assistant.knowledge.models import (
    ChecklistItemRow,
    PartnerRow,
    ProcedureRow,
    ProcedureTopicRow,
    TopicRow,
)
from assistant.knowledge.schema import FiguresFile, PartnersFile, ProcedureRecord, ProceduresFile, TopicsFile
from assistant.validation import describe_validation_error


class KnowledgeValidationError(Exception):
    """The knowledge files are invalid; `errors` lists every problem found, one line each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Knowledge:
    """The validated content of the knowledge folder."""

    partners: PartnersFile
    topics: TopicsFile
    procedures: list[tuple[str, ProcedureRecord]]  # (partner slug, procedure), in file order, figures cited
    figures: FiguresFile


@dataclass
class TableChanges:
    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.updated + self.removed


@dataclass
class LoadSummary:
    partners: int
    topics: int
    procedures: int
    changes: dict[str, TableChanges] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(change.total for change in self.changes.values())


def read_knowledge(directory: Path) -> Knowledge:
    """Read and validate `partners.yml`, `topics.yml`, `figures.yml` (optional) and `procedures/*.yml`, with the
    figures cited in the procedures replaced by their values; raise with all errors."""
    errors: list[str] = []
    partners = _read_validated(directory / "partners.yml", PartnersFile, errors)
    topics = _read_validated(directory / "topics.yml", TopicsFile, errors)
    figures_path = directory / "figures.yml"
    figures = _read_validated(figures_path, FiguresFile, errors) if figures_path.exists() else FiguresFile()
    procedure_files = sorted((directory / "procedures").glob("*.yml"))
    if not procedure_files:
        errors.append(f"{directory / 'procedures'} : aucun fichier de démarches (*.yml)")
    files = [(path, _read_validated(path, ProceduresFile, errors)) for path in procedure_files]
    if errors:
        raise KnowledgeValidationError(errors)
    procedures = _check_cross_references(partners, topics, files, errors)
    procedures = _cite_figures(figures, procedures, errors)
    if errors:
        raise KnowledgeValidationError(errors)
    return Knowledge(partners=partners, topics=topics, procedures=procedures, figures=figures)


def _cite_figures(figures: FiguresFile, procedures: list[tuple[str, ProcedureRecord]],
                  errors: list[str]) -> list[tuple[str, ProcedureRecord]]:
    """Each procedure with its figures cited; duplicate and never cited figures are errors."""
    by_id = {figure.id: figure for figure in figures.figures}
    for identifier, count in Counter(figure.id for figure in figures.figures).items():
        if count > 1:
            errors.append(f"figures.yml : chiffre « {identifier} » défini {count} fois")
    cited: set[str] = set()
    completed = []
    for partner, record in procedures:
        record, used = cite(record, by_id, f"procedures/{partner}.yml : procedures[{record.id}]", errors)
        cited |= used
        completed.append((partner, record))
    for identifier in sorted(set(by_id) - cited):
        errors.append(f"figures.yml : figures[{identifier}] : cité par aucune démarche (supprimez-le ou citez-le)")
    return completed


def _read_validated(path: Path, schema: type[BaseModel], errors: list[str]) -> Any:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.append(f"{path} : fichier introuvable")
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark else ""
        errors.append(f"{path}{where} : YAML invalide : {getattr(error, 'problem', error)}")
        return None
    try:
        return schema.parse_obj(document)
    except ValidationError as error:
        errors.extend(f"{path} : {message}" for message in describe_validation_error(error, document))
        return None


def _check_cross_references(
    partners: PartnersFile,
    topics: TopicsFile,
    files: list[tuple[Path, ProceduresFile]],
    errors: list[str],
) -> list[tuple[str, ProcedureRecord]]:
    partner_slugs = {partner.slug for partner in partners.partners}
    topic_slugs = {topic.slug for topic in topics.topics}
    defined = (("partenaire", [p.slug for p in partners.partners]), ("thème", [t.slug for t in topics.topics]))
    for kind, slugs in defined:
        for slug, count in Counter(slugs).items():
            if count > 1:
                errors.append(f"{kind} « {slug} » défini {count} fois")

    procedures: dict[str, tuple[str, ProcedureRecord]] = {}
    for path, content in files:
        if content.partner not in partner_slugs:
            errors.append(f"{path} : partner : partenaire inconnu « {content.partner} »")
        if path.stem != content.partner:
            errors.append(f"{path} : le fichier doit s'appeler {content.partner}.yml")
        for procedure in content.procedures:
            where = f"{path} : procedures[{procedure.id}]"
            if procedure.id in procedures:
                errors.append(f"{where}.id : identifiant déjà utilisé dans un autre fichier")
            procedures[procedure.id] = (content.partner, procedure)
            for topic in procedure.topics:
                if topic not in topic_slugs:
                    errors.append(f"{where}.topics : thème inconnu « {topic} »")

    for topic in topics.topics:
        seen: set[str] = set()
        for entry in topic.checklist:
            where = f"topics.yml : topics[{topic.slug}].checklist[{entry.procedure}]"
            partner_and_procedure = procedures.get(entry.procedure)
            if partner_and_procedure is None:
                errors.append(f"{where} : démarche inconnue")
            elif topic.slug not in partner_and_procedure[1].topics:
                errors.append(f"{where} : cette démarche ne cite pas le thème « {topic.slug} »")
            if entry.procedure in seen:
                errors.append(f"{where} : démarche citée deux fois")
            seen.add(entry.procedure)
    return list(procedures.values())


def synchronise(session: Session, knowledge: Knowledge) -> LoadSummary:
    """Bring the database to exactly the content of `knowledge`, in the caller's transaction.

    Parents are upserted first and removed last so that foreign keys hold at every flush.
    """
    rows = _desired_rows(knowledge)
    parents = (PartnerRow, TopicRow, ProcedureRow)
    children = (ProcedureTopicRow, ChecklistItemRow)
    changes = {model.__tablename__: _upsert(session, model, rows[model]) for model in parents}
    session.flush()
    for model in children:
        changes[model.__tablename__] = _upsert(session, model, rows[model])
        changes[model.__tablename__].removed = _delete_stale(session, model, rows[model])
    session.flush()
    for model in reversed(parents):
        changes[model.__tablename__].removed = _delete_stale(session, model, rows[model])
    session.flush()
    return LoadSummary(
        partners=len(rows[PartnerRow]),
        topics=len(rows[TopicRow]),
        procedures=len(rows[ProcedureRow]),
        changes=changes,
    )


Rows = dict[tuple, dict[str, Any]]


def _desired_rows(knowledge: Knowledge) -> dict[type, Rows]:
    partners = {
        (p.slug,): {"slug": p.slug, "name": p.name, "short_name": p.short_name, "website": p.website,
                    "aliases": list(p.aliases)}
        for p in knowledge.partners.partners
    }
    topics = {
        (t.slug,): {"slug": t.slug, "title": t.title, "kind": t.kind, "description": t.description,
                    "advice": t.advice, "advice_url": t.advice_url, "position": position}
        for position, t in enumerate(knowledge.topics.topics)
    }
    procedures: Rows = {}
    procedure_topics: Rows = {}
    for position, (partner, record) in enumerate(knowledge.procedures):
        procedures[(record.id,)] = {
            "id": record.id, "partner_slug": partner, "title": record.title, "audience": record.audience,
            "summary": record.summary, "steps": list(record.steps), "documents": list(record.documents),
            "online_service": record.online_service, "service_public_reference": record.service_public_reference,
            "service_public_url": record.service_public_canonical_url, "cost": record.cost, "delay": record.delay,
            "needs_advisor": record.needs_advisor, "keywords": list(record.keywords),
            "sources": [{"url": str(source.url), "title": source.title} for source in record.sources],
            "changes": [{"date": change.date.isoformat(), "text": change.text} for change in record.changes],
            "reviewed": record.reviewed, "position": position,
        }
        for topic in record.topics:
            procedure_topics[(record.id, topic)] = {"procedure_id": record.id, "topic_slug": topic}
    checklist = {
        (topic.slug, position): {"topic_slug": topic.slug, "position": position,
                                 "procedure_id": entry.procedure, "when": entry.when}
        for topic in knowledge.topics.topics
        for position, entry in enumerate(topic.checklist)
    }
    return {PartnerRow: partners, TopicRow: topics, ProcedureRow: procedures,
            ProcedureTopicRow: procedure_topics, ChecklistItemRow: checklist}


def _primary_key(row: Any) -> tuple:
    return tuple(getattr(row, column.key) for column in inspect(type(row)).primary_key)


def _upsert(session: Session, model: type, desired: Rows) -> TableChanges:
    changes = TableChanges()
    existing = {_primary_key(row): row for row in session.execute(select(model)).scalars()}
    for key, values in desired.items():
        row = existing.get(key)
        if row is None:
            session.add(model(**values))
            changes.added += 1
            continue
        changes.updated += update_in_place(row, values)
    return changes


def _delete_stale(session: Session, model: type, desired: Rows) -> int:
    stale = [row for row in session.execute(select(model)).scalars() if _primary_key(row) not in desired]
    for row in stale:
        session.delete(row)
    return len(stale)


def load_knowledge_into_database(session_factory, directory: Path) -> LoadSummary:
    """Validate the folder, then synchronise it in a single transaction (all or nothing)."""
    knowledge = read_knowledge(directory)
    with session_factory.begin() as session:
        return synchronise(session, knowledge)
