"""`guichet cluster run`: the production topology on loopback (what `make run-cluster` starts)."""

from __future__ import annotations

import signal
import sys
import time
from typing import NoReturn

import click
from sqlalchemy.exc import SQLAlchemyError

from assistant import config
from assistant.cluster.layout import ClusterLayout
from assistant.cluster.processes import ProcessError
from assistant.cluster.runner import prepare_stores, start_cluster
from assistant.db import describe_database_error, shown_database_url
from assistant.knowledge.loader import KnowledgeValidationError
from assistant.structures.importer import StructureImportError


@click.group(help="Plusieurs serveurs Rasa et serveurs d'actions derrière nginx, sur cette machine.")
def cluster() -> None:
    pass


@cluster.command("run", help="Prépare PostgreSQL et lance le cluster local (Ctrl+C pour arrêter).")
@click.option("--rasa-replicas", default=2, show_default=True, type=click.IntRange(1, 8))
@click.option("--action-servers", default=2, show_default=True, type=click.IntRange(1, 8))
@click.option("--port", default=8000, show_default=True, help="Port public (nginx).")
@click.option("--database-url", envvar="GUICHET_CLUSTER_DATABASE_URL", show_default=True,
              default=ClusterLayout.database_url, help="Base des démarches, structures et tickets.")
@click.option("--tracker-url", envvar="GUICHET_CLUSTER_TRACKER_URL", show_default=True,
              default=ClusterLayout.tracker_database_url, help="Base des conversations de Rasa.")
@click.option("--redis-url", envvar="GUICHET_CLUSTER_REDIS_URL", show_default=True,
              default=ClusterLayout.redis_url, help="Redis des verrous de conversation.")
def cluster_run(rasa_replicas: int, action_servers: int, port: int, database_url: str, tracker_url: str,
                redis_url: str) -> None:
    layout = ClusterLayout(public_port=port, rasa_ports=tuple(5005 + index for index in range(rasa_replicas)),
                           action_ports=tuple(5056 + index for index in range(action_servers)),
                           database_url=database_url, tracker_database_url=tracker_url, redis_url=redis_url)
    click.echo("Préparation de PostgreSQL (démarches, structures)…")
    try:
        prepare_stores(layout, config.structures_source())
    except SQLAlchemyError as error:
        _fail(f"Base de données injoignable ({shown_database_url(database_url)}, {shown_database_url(tracker_url)}) : "
              f"{describe_database_error(error)}")
    except StructureImportError as error:
        _fail(f"Liste des structures illisible : {error}")
    except KnowledgeValidationError as error:
        _fail(f"Base de connaissances invalide (« guichet kb check » détaille) :\n{error}")
    click.echo(f"Démarrage de {rasa_replicas} serveur(s) Rasa et {action_servers} serveur(s) d'actions…")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the cluster as Ctrl+C does
    try:
        running = start_cluster(layout)
    except ProcessError as error:
        _fail(str(error))
    except KeyboardInterrupt:  # start_cluster stops what it started when interrupted
        _fail("Démarrage interrompu.")
    click.echo(f"Assistant : {layout.public_url}/webhooks/rest/webhook — console : {layout.public_url}/conseiller")
    click.echo(f"Journaux : {layout.workdir / 'logs'} (Ctrl+C pour arrêter)")
    try:
        while all(server.running for server in running.servers):
            time.sleep(1)
        stopped = ", ".join(server.name for server in running.servers if not server.running)
        click.echo(f"Arrêt du cluster : {stopped} s'est arrêté (voir les journaux).", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Arrêt du cluster…")
    finally:
        # A second Ctrl+C must not leave servers behind half-way through stopping them.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        running.stop()


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _interrupt(_signal_number: int, _frame: object) -> None:
    raise KeyboardInterrupt
