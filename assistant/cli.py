"""The `guichet` command: load the knowledge base and look procedures up from a terminal."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import Progress
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant import config
from assistant.answers import procedure_card
from assistant.bootstrap import DataUnavailable, build_services
from assistant.cluster.command import cluster
from assistant.db import (
    create_database_engine,
    create_session_factory,
    describe_database_error,
    shown_database_url,
)
from assistant.handoff.advisors import AdvisorError, add_advisor
from assistant.knowledge.loader import KnowledgeValidationError, load_knowledge_into_database, read_knowledge
from assistant.privacy.retention import (
    DEFAULT_RETENTION,
    PurgeReport,
    RetentionError,
    open_tracker_database,
    parse_retention,
)
from assistant.privacy.retention import purge as run_purge
from assistant.sheets.parser import FAMILY_LABELS
from assistant.structures.importer import ATTRIBUTION, StructureImportError, import_structures

console = Console()
errors = Console(stderr=True)

database_option = click.option(
    "--database-url", envvar="GUICHET_DATABASE_URL", default=config.database_url, show_default="var/guichet.db",
    help="URL SQLAlchemy de la base (sqlite:///…, postgresql://…).",
)
directory_option = click.option(
    "--directory", type=click.Path(file_okay=False, path_type=Path), default=config.knowledge_directory,
    show_default="knowledge/", help="Dossier des fichiers relus de la base de connaissances.",
)


@click.group(help="Assistant France Services : base de connaissances, structures, conseillers.")
def main() -> None:
    pass


main.add_command(cluster)


@contextmanager
def upgraded_database(database_url: str) -> Iterator[Engine]:
    """An engine on a database at the newest schema revision; a French message and exit 1 otherwise."""
    from assistant.migrations import schema_problem

    engine = create_database_engine(database_url)
    try:
        try:
            problem = schema_problem(engine)
        except SQLAlchemyError as error:
            errors.print(f"Base de données injoignable ({escape(shown_database_url(database_url))}) : "
                         f"{escape(describe_database_error(error))}", highlight=False, soft_wrap=True)
            sys.exit(1)
        if problem:
            errors.print(f"{problem[0][0].upper()}{escape(problem[0][1:])} : {escape(problem[1])}.",
                         highlight=False, soft_wrap=True)
            sys.exit(1)
        yield engine
    finally:
        engine.dispose()


@main.group(help="Schéma de la base de données (migrations Alembic).")
def db() -> None:
    pass


@db.command("upgrade", help="Crée ou met à jour les tables de la base de données (dernière révision).")
@database_option
def db_upgrade(database_url: str) -> None:
    from assistant.migrations import upgrade_database

    engine = create_database_engine(database_url)
    try:
        report = upgrade_database(engine)
    except SQLAlchemyError as error:
        errors.print(f"Mise à jour du schéma impossible ({escape(shown_database_url(database_url))}) : "
                     f"{escape(describe_database_error(error))}", highlight=False, soft_wrap=True)
        sys.exit(1)
    finally:
        engine.dispose()
    where = shown_database_url(database_url)
    if report.before == report.after:
        console.print(f"Schéma à jour ({where}) : révision {report.after}.", highlight=False, soft_wrap=True)
    else:
        console.print(f"Schéma mis à jour ({where}) : révision {report.before or 'aucune'} → {report.after}.",
                      highlight=False, soft_wrap=True)


@main.group(help="Base de connaissances des démarches.")
def kb() -> None:
    pass


@kb.command("check", help="Vérifie les fichiers de la base de connaissances, et leur accord avec le projet Rasa "
                           "(intentions, règles, exemples de chaque thème), sans rien écrire.")
@directory_option
@click.option("--rasa-project", type=click.Path(file_okay=False, path_type=Path), default=config.PROJECT_ROOT,
              show_default="le dossier du projet", help="Dossier du projet Rasa (domain.yml, data/).")
def kb_check(directory: Path, rasa_project: Path) -> None:
    from assistant.knowledge.figures import outdated
    from assistant.knowledge.rasa_agreement import disagreements

    knowledge = _read_or_exit(directory)
    for warning in outdated(knowledge.figures.figures, date.today()):
        errors.print(f"À mettre à jour : {escape(warning)}", highlight=False, soft_wrap=True)
    problems = disagreements([topic.slug for topic in knowledge.topics.topics], rasa_project)
    for problem in problems:
        errors.print(escape(problem), highlight=False, soft_wrap=True)
    if problems:
        errors.print(f"{len(problems)} désaccord(s) entre knowledge/topics.yml et le projet Rasa.")
        sys.exit(1)
    console.print(
        f"Fichiers valides : {len(knowledge.partners.partners)} partenaires, "
        f"{len(knowledge.topics.topics)} thèmes, {len(knowledge.procedures)} démarches ; le projet Rasa connaît "
        "chaque thème."
    )


@kb.command("audit", help="Compare chaque démarche à sa fiche service-public.fr : fiche absente, page générale, "
                           "hors sujet, ou modifiée depuis la dernière vérification (« à revoir »).")
@click.option("--all", "show_all", is_flag=True, help="Afficher aussi les démarches sans remarque.")
@database_option
def kb_audit(show_all: bool, database_url: str) -> None:
    from rich.table import Table

    from assistant.knowledge.audit import audit, problems, remarks

    services = build_services(database_url)
    try:
        knowledge, search = services.knowledge(), services.sheet_search()
    except DataUnavailable as missing:
        errors.print(escape(missing.sentence), highlight=False, soft_wrap=True)
        sys.exit(1)
    lines = audit(knowledge, {sheet.id: sheet for sheet in search.sheets}, search)
    shown = lines if show_all else remarks(lines)
    table = Table("Démarche", "Fiche citée", "Remarque", show_lines=True)
    for line in shown:
        reference = line.procedure.service_public_reference or "—"
        sheet = f"{line.sheet.id} — {line.sheet.title}" if line.sheet else reference
        table.add_row(f"{line.procedure.id}\n{line.procedure.title}", sheet,
                      f"{line.status}\n{line.detail}".strip())
    if shown:
        console.print(table)
    newest = max((sheet.modified for sheet in search.sheets), default=None)
    console.print(f"{len(lines)} démarches comparées aux fiches du corpus importé"
                  f"{f' (la plus récente du {newest:%d/%m/%Y})' if newest else ''} : "
                  f"{len(problems(lines))} à corriger, {len(remarks(lines)) - len(problems(lines))} à vérifier "
                  "en ligne.",
                  highlight=False, soft_wrap=True)
    if problems(lines):
        sys.exit(1)


@kb.command("load", help="Valide puis charge la base de connaissances dans la base de données.")
@directory_option
@database_option
def kb_load(directory: Path, database_url: str) -> None:
    with upgraded_database(database_url) as engine:
        try:
            summary = load_knowledge_into_database(create_session_factory(engine), directory)
        except KnowledgeValidationError as error:
            _print_validation_errors(error)
            sys.exit(1)
    where = shown_database_url(database_url)
    console.print(
        f"Base de connaissances à jour ({where}) : {summary.partners} partenaires, "
        f"{summary.topics} thèmes, {summary.procedures} démarches."
    )
    if summary.changed:
        for table, change in summary.changes.items():
            if change.total:
                console.print(
                    f"  {table} : {change.added} ajout(s), {change.updated} modification(s), "
                    f"{change.removed} suppression(s)"
                )
    else:
        console.print("  Aucune modification.")


@main.command(help="Cherche les démarches relues et les fiches service-public.fr qui répondent à une question, "
                   "par exemple : guichet ask \"carte grise\".")
@click.argument("question")
@click.option("--limit", default=3, show_default=True, type=click.IntRange(1, 20), help="Nombre de fiches.")
@click.option("--topic", help="Limiter à un thème (slug, par exemple demenagement).")
@click.option("--partner", help="Limiter à un partenaire (slug, par exemple caf).")
@database_option
def ask(question: str, limit: int, topic: str | None, partner: str | None, database_url: str) -> None:
    services = build_services(database_url)
    try:
        knowledge = services.knowledge()
    except DataUnavailable as missing:
        errors.print(escape(missing.sentence), highlight=False, soft_wrap=True)
        sys.exit(1)
    for kind, value, known in (("thème", topic, knowledge.topic), ("partenaire", partner, knowledge.partner)):
        if value and known(value) is None:
            errors.print(f"{kind.capitalize()} inconnu : « {value} ».")
            sys.exit(2)
    hits = [hit for hit in knowledge.search(question, topic=topic, partner=partner, limit=limit) if hit.score > 0]
    for hit in hits:
        console.print(Panel(_terminal_markup(procedure_card(knowledge, hit.procedure)), expand=False,
                            subtitle=f"{hit.procedure.id} · pertinence {hit.score:.2f}"))
    try:
        sheets = [] if topic or partner else services.sheet_search().search(question, limit=limit)
    except DataUnavailable as missing:
        errors.print(escape(missing.sentence), highlight=False, soft_wrap=True)
        sheets = []
    if sheets:
        console.print("[bold]Fiches service-public.fr[/bold]", highlight=False)
        _print_sheet_hits(sheets)
    if not hits and not sheets:
        console.print("Aucune démarche ni fiche ne correspond à cette question. Essayez avec d'autres mots.")
        sys.exit(1)


@main.group(help="Structures France Services (liste officielle de l'ANCT).")
def structures() -> None:
    pass


@structures.command("import", help="Importe ou met à jour la liste officielle des structures France Services.")
@click.option("--from", "source", default=config.structures_source, show_default="../shared/data ou data.gouv.fr",
              help="Chemin ou URL du fichier CSV de l'ANCT (virgules ou points-virgules).")
@database_option
def structures_import(source: str, database_url: str) -> None:
    with upgraded_database(database_url) as engine:
        try:
            with Progress(console=console, transient=True) as progress:
                report = import_structures(
                    create_session_factory(engine), source,
                    progress=lambda records: progress.track(records, description="Import des structures"),
                )
        except StructureImportError as error:
            errors.print(f"Import impossible : {escape(str(error))}")
            sys.exit(1)
    for rejected in report.rejected:
        errors.print(f"Ligne {rejected.line} rejetée : {escape(rejected.reason)}", highlight=False)
    console.print(
        f"Structures : {report.added} importée(s), {report.updated} mise(s) à jour, {report.removed} retirée(s), "
        f"{len(report.rejected)} rejetée(s) ({report.unchanged} inchangée(s)). Source : {ATTRIBUTION}."
    )


@main.group(help="Fiches « Vos droits et démarches » de service-public.fr (DILA).")
def sheets() -> None:
    pass


dense_option = click.option(
    "--dense/--lexical", default=config.sheets_dense, show_default="GUICHET_SHEETS_DENSE",
    help="Ajouter la recherche par vecteurs e5 (plus précise, plus lente) à la recherche lexicale.",
)


@sheets.command("import", help="Importe ou met à jour les fiches de service-public.fr (archive zip de la DILA).")
@click.option("--from", "source", default=config.sheets_source, show_default="../shared/data ou service-public.fr",
              help="Chemin ou URL de l'archive zip des fiches (format XML de la DILA).")
@dense_option
@database_option
def sheets_import(source: str, dense: bool, database_url: str) -> None:
    from assistant.sheets.importer import ATTRIBUTION, SheetImportError, import_sheets

    started = time.perf_counter()
    with upgraded_database(database_url) as engine:
        try:
            with Progress(console=console, transient=True) as progress:
                report = import_sheets(
                    create_session_factory(engine), source,
                    progress=lambda files: progress.track(files, description="Lecture des fiches"),
                )
        except SheetImportError as error:
            errors.print(f"Import impossible : {escape(str(error))}", highlight=False, soft_wrap=True)
            sys.exit(1)
    for rejected in report.rejected:
        errors.print(f"Fichier {escape(rejected.name)} rejeté : {escape(rejected.reason)}", highlight=False,
                     soft_wrap=True)
    newest = f", la plus récente du {report.newest:%d/%m/%Y}" if report.newest else ""
    console.print(
        f"Fiches : {report.added} importée(s), {report.updated} mise(s) à jour, {report.removed} retirée(s), "
        f"{len(report.rejected)} rejetée(s) ({report.unchanged} inchangée(s){newest}) "
        f"en {time.perf_counter() - started:.1f} s. Source : {ATTRIBUTION}.", highlight=False, soft_wrap=True,
    )
    _prepare_sheet_search(database_url, dense)


def _prepare_sheet_search(database_url: str, dense: bool) -> None:
    """Build the search's index (and with `dense`, the vectors of new or changed sheets) now, into the cache,
    so that the servers start by reading them."""
    from assistant.sheets.repository import list_sheets
    from assistant.sheets.service import embed_sheets, load_sheet_search
    from assistant.sheets.wordings import WORDINGS_FILE, load_wordings, without_wordings

    started = time.perf_counter()
    with upgraded_database(database_url) as engine:
        search = load_sheet_search(create_session_factory(engine), cache_directory=config.cache_directory(),
                                   dense=False)
        console.print(f"Index de recherche prêt ({config.cache_directory()}) en {time.perf_counter() - started:.1f} s.",
                      highlight=False, soft_wrap=True)
        missing = without_wordings(search.sheets if search else [], load_wordings())
        if missing:
            listed = ", ".join(missing[:10]) + (", …" if len(missing) > 10 else "")
            console.print(f"{len(missing)} fiche(s) sans formulations courantes dans {WORDINGS_FILE.name}, que la "
                          f"recherche trouvera moins bien tant qu'elles n'en ont pas : {listed}", highlight=False,
                          soft_wrap=True)
        if not dense:
            return
        with create_session_factory(engine)() as session:
            imported = list_sheets(session=session)
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Vecteurs e5 des fiches", total=None)
        embedded = embed_sheets(imported, config.cache_directory(), threads=os.cpu_count() or 1,
                                progress=lambda done, total: progress.update(task, completed=done, total=total))
    computed = embedded.computed
    console.print(f"Vecteurs e5 : {computed} texte(s) calculé(s), {len(embedded.owners) - computed} lu(s) "
                  f"dans le cache "
                  f"({config.cache_directory()}) en {time.perf_counter() - started:.1f} s.", highlight=False,
                  soft_wrap=True)


@sheets.command("search", help="Cherche les fiches qui répondent à une question, par exemple : "
                               "guichet sheets search \"renouveler mon titre de séjour\".")
@click.argument("question")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 20), help="Nombre de fiches.")
@click.option("--type", "families", multiple=True, type=click.Choice(sorted(FAMILY_LABELS)),
              help="Limiter à un type de fiche (répétable).")
@click.option("--theme", help="Limiter à un thème, par exemple « Famille » ou « Travail ».")
@dense_option
@database_option
def sheets_search(question: str, limit: int, families: tuple[str, ...], theme: str | None, dense: bool,
                  database_url: str) -> None:
    from assistant.sheets.service import load_sheet_search

    with upgraded_database(database_url) as engine:
        search = load_sheet_search(create_session_factory(engine), cache_directory=config.cache_directory(),
                                   dense=dense)
    if search is None:
        errors.print("Aucune fiche : lancez d'abord « guichet sheets import ».")
        sys.exit(1)
    hits = search.search(question, limit=limit, families=families or None, theme=theme)
    if not hits:
        console.print("Aucune fiche ne correspond à cette question. Essayez avec d'autres mots.")
        sys.exit(1)
    _print_sheet_hits(hits)


def _print_sheet_hits(hits) -> None:
    for rank, hit in enumerate(hits, 1):
        sheet = hit.sheet
        console.print(f"{rank}. [bold]{escape(sheet.title)}[/bold] ({FAMILY_LABELS[sheet.family]}, {sheet.id})",
                      highlight=False, soft_wrap=True)
        console.print(f"   {escape(sheet.description)}", highlight=False, soft_wrap=True)
        console.print(f"   Fiche mise à jour le {sheet.modified:%d/%m/%Y} · {sheet.url} · "
                      f"pertinence {hit.confidence:.2f}", highlight=False, soft_wrap=True)


@sheets.command("show", help="Affiche les rubriques utiles d'une fiche, à imprimer pour un usager, par exemple : "
                             "guichet sheets show F1342.")
@click.argument("sheet_id")
@click.option("--documents", is_flag=True, help="Seulement les pièces à fournir.")
@database_option
def sheets_show(sheet_id: str, documents: bool, database_url: str) -> None:
    from assistant.sheets.content import documents_sections, key_sections
    from assistant.sheets.repository import get_sheet

    with upgraded_database(database_url) as engine, create_session_factory(engine)() as session:
        sheet = get_sheet(session=session, sheet_id=sheet_id.strip().upper())
    if sheet is None:
        errors.print(f"Fiche inconnue : « {escape(sheet_id)} » (lancez « guichet sheets import » si la base est vide).")
        sys.exit(1)
    sections = documents_sections(sheet) if documents else key_sections(sheet)
    console.print(f"[bold]{escape(sheet.title)}[/bold] ({FAMILY_LABELS[sheet.family]})", highlight=False)
    console.print(f"Fiche mise à jour le {sheet.modified:%d/%m/%Y} : lisez la version à jour sur {sheet.url}",
                  highlight=False, soft_wrap=True)
    if documents and not sections:
        console.print("Cette fiche n'a pas de rubrique « pièces à fournir » : voyez la fiche complète.")
    for section in sections:
        console.print(f"\n[bold]{escape(section.title or sheet.title)}[/bold]", highlight=False)
        console.print(escape(section.text), highlight=False, soft_wrap=True)


@main.group(help="Comptes des conseillers France Services (console de mise en relation).")
def advisors() -> None:
    pass


@advisors.command("add", help="Crée un compte de conseiller ; le mot de passe est demandé (ou lu dans "
                              "GUICHET_ADVISOR_PASSWORD).")
@click.argument("login")
@click.option("--name", required=True, help="Nom affiché, par exemple « Anne Martin ».")
@click.option("--departement", "departments", multiple=True,
              help="Département couvert (répétable) ; aucun : tous les départements.")
@click.password_option("--password", envvar="GUICHET_ADVISOR_PASSWORD", prompt="Mot de passe",
                       confirmation_prompt="Confirmez le mot de passe", help="Au moins 12 caractères.")
@database_option
def advisors_add(login: str, name: str, departments: tuple[str, ...], password: str, database_url: str) -> None:
    with upgraded_database(database_url) as engine:
        try:
            with create_session_factory(engine)() as session:
                advisor = add_advisor(session=session, login=login, name=name, password=password,
                                      departments=departments)
        except AdvisorError as error:
            errors.print(f"Compte non créé : {escape(str(error))}")
            sys.exit(1)
    covered = ", ".join(advisor.departments) or "tous les départements"
    console.print(f"Compte « {advisor.login} » créé ({advisor.name}, {covered}).")


@main.command(help="Lance l'application web : console des conseillers et API de mise en relation.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
def web(host: str, port: int) -> None:
    import uvicorn

    from assistant.web.app import app_from_environment

    # No WebSocket routes; Rasa pins a websockets release too old for uvicorn's implementation.
    uvicorn.run(app_from_environment(), host=host, port=port, log_level="info", ws="none")


@structures.command("near", help="Les France Services proches d'une commune, d'un code postal ou d'un département, "
                                  "par exemple : guichet structures near 77120.")
@click.argument("place")
@database_option
def structures_near(place: str, database_url: str) -> None:
    from assistant.structures.answers import answer_location

    services = build_services(database_url)
    try:
        index = services.structure_index()
    except DataUnavailable as missing:
        errors.print(escape(missing.sentence), highlight=False, soft_wrap=True)
        sys.exit(1)
    reply = answer_location(services.resolver().resolve_text(place), index, services.clock())
    console.print(_terminal_markup(reply.text), highlight=False)
    if not reply.payload["structures"]:
        sys.exit(1)


@main.command(help="Supprime les données personnelles trop anciennes : conversations, demandes clôturées, "
                   "événements de suivi (avis anonymisés). À lancer chaque jour, par exemple : "
                   "guichet purge --older-than 90d.")
@click.option("--older-than", default=DEFAULT_RETENTION, show_default=True,
              help="Durée de conservation : un nombre de jours suivi de « d » (90d).")
@click.option("--dry-run", is_flag=True, help="Compte ce qui serait supprimé, sans rien supprimer.")
@database_option
@click.option("--tracker-url", envvar="GUICHET_TRACKER_DATABASE_URL", default=config.tracker_database_url,
              show_default="var/rasa-tracker.db", help="URL SQLAlchemy des conversations de Rasa (tracker store).")
def purge(older_than: str, dry_run: bool, database_url: str, tracker_url: str) -> None:
    try:
        before = datetime.now(timezone.utc) - parse_retention(older_than)
    except RetentionError as error:
        errors.print(f"Purge impossible : {escape(str(error))}.", highlight=False, soft_wrap=True)
        sys.exit(2)
    try:
        report = _purge_databases(database_url, tracker_url, before, dry_run)
    except SQLAlchemyError as error:
        errors.print(f"Purge impossible, rien n'est supprimé : {escape(describe_database_error(error))}",
                     highlight=False, soft_wrap=True)
        sys.exit(1)
    counts = ", ".join((f"{_plural(report.conversations, 'conversation')} "
                        f"({_plural(report.tracker_events, 'événement')} de Rasa)",
                        _plural(report.tickets, "ticket clos", "tickets clos"), _plural(report.events, "événement")))
    since = f"(antérieurs au {report.before.date().isoformat()})"
    if dry_run:
        console.print(f"Simulation, rien n'est supprimé : {counts} à supprimer {since} ; "
                      f"{report.ratings} avis à anonymiser.", highlight=False, soft_wrap=True)
    else:
        console.print(f"Purge : {counts} supprimés {since} ; {report.ratings} avis anonymisé"
                      f"{'s' if report.ratings > 1 else ''}.", highlight=False, soft_wrap=True)


def _purge_databases(database_url: str, tracker_url: str, before: datetime, dry_run: bool) -> PurgeReport:
    """Purge Rasa's tracker store, then guichet's database, each in one transaction: a database that cannot be
    reached raises SQLAlchemyError with its own transaction rolled back."""
    tracker = open_tracker_database(tracker_url)
    if tracker is None:
        errors.print("Aucune conversation Rasa à purger : "
                     f"{escape(shown_database_url(tracker_url))} n'existe pas.",
                     highlight=False, soft_wrap=True)
    try:
        with upgraded_database(database_url) as engine, create_session_factory(engine)() as session:
            return run_purge(session=session, tracker=tracker, before=before, dry_run=dry_run)
    finally:
        if tracker is not None:
            tracker.dispose()


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """French agreement: 0 and 1 take the singular."""
    return f"{count} {singular if count < 2 else plural or singular + 's'}"


def _terminal_markup(card: str) -> str:
    """Turn the card's **bold** into Rich markup; everything else is printed literally."""
    return re.sub(r"\*\*(.+?)\*\*", r"[bold]\1[/bold]", escape(card))


def _read_or_exit(directory: Path):
    try:
        return read_knowledge(directory)
    except KnowledgeValidationError as error:
        _print_validation_errors(error)
        sys.exit(1)


def _print_validation_errors(error: KnowledgeValidationError) -> None:
    for line in error.errors:
        errors.print(escape(line), highlight=False, soft_wrap=True)
    errors.print(f"{len(error.errors)} erreur(s) : rien n'a été chargé.")
