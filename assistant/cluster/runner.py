"""Prepare the shared stores and start the local cluster: N Rasa replicas, M action servers, web app, nginx."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assistant import config
from assistant.cluster.layout import ClusterLayout
from assistant.cluster.processes import ProcessError, ServerProcess, start_together
from assistant.db import create_database_engine, create_session_factory
from assistant.knowledge.loader import load_knowledge_into_database
from assistant.migrations import upgrade_database
from assistant.rasa_main import rasa_command
from assistant.sheets.importer import import_sheets
from assistant.structures.importer import import_structures

BIN = Path(sys.executable).parent
MODEL = config.PROJECT_ROOT / "models" / "guichet.tar.gz"


def _administration_engine(url: str):
    """An autocommit engine on the server's `postgres` database: CREATE/DROP DATABASE cannot run in a transaction."""
    return create_engine(make_url(url).set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")


def create_database_if_missing(url: str) -> None:
    """Create the PostgreSQL database named by `url`; other back-ends create theirs on first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = _administration_engine(url)
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": parsed.database}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def drop_databases(*urls: str) -> None:
    """Drop the PostgreSQL databases named by `urls`, closing their connections (throw-away test databases)."""
    for url in urls:
        admin = _administration_engine(url)
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        finally:
            admin.dispose()


def prepare_stores(layout: ClusterLayout, structures_source: str) -> None:
    """Create the databases, bring the schema to its newest revision, load the knowledge base and import the
    official list of structures and the service-public.fr sheets."""
    create_database_if_missing(layout.database_url)
    create_database_if_missing(layout.tracker_database_url)
    engine = create_database_engine(layout.database_url)
    try:
        upgrade_database(engine)
        sessions = create_session_factory(engine)
        load_knowledge_into_database(sessions, config.knowledge_directory())
        import_structures(sessions, structures_source)
        import_sheets(sessions, config.sheets_source())
    finally:
        engine.dispose()


@dataclass
class Cluster:
    """The running processes of one local cluster, stopped together."""

    layout: ClusterLayout
    rasa: list[ServerProcess]
    actions: list[ServerProcess]
    web: ServerProcess
    nginx: ServerProcess

    @property
    def servers(self) -> list[ServerProcess]:
        return [self.nginx, self.web, *self.rasa, *self.actions]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def cluster_environment(layout: ClusterLayout, base: dict) -> dict:
    """The settings every process of the cluster shares; secrets come from `base` (the environment)."""
    redis = make_url(layout.redis_url)
    return {
        **base,
        "GUICHET_DATABASE_URL": layout.database_url,
        "GUICHET_TRACKER_DATABASE_URL": layout.tracker_database_url,
        "GUICHET_RASA_URL": layout.rasa_api_url,
        "GUICHET_PUBLIC_RASA_URL": base.get("GUICHET_PUBLIC_RASA_URL") or layout.public_url,
        "GUICHET_TRUSTED_PROXIES": "127.0.0.1",
        # Counters of the rate limits shared by the replicas, in another Redis database than the locks.
        "GUICHET_RATE_LIMIT_STORAGE": base.get("GUICHET_RATE_LIMIT_STORAGE")
        or str(redis.set(database=str(int(redis.database or 0) + 1))),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }


def build_cluster(layout: ClusterLayout, environment: dict, model: Path = MODEL) -> Cluster:
    """The cluster's processes, not started; configuration files written under the layout's work folder."""
    for name in ("GUICHET_RASA_TOKEN", "GUICHET_SESSION_SECRET"):
        if not environment.get(name):
            raise ProcessError(f"La variable d'environnement {name} est requise pour démarrer le cluster.")
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx_binary).exists():
        raise ProcessError("nginx est introuvable : installez le paquet Debian « nginx ».")
    endpoints, nginx_conf = layout.write_configuration()
    checked = subprocess.run([nginx_binary, "-t", "-q", "-c", str(nginx_conf)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise ProcessError(f"Configuration nginx refusée :\n{checked.stderr}")
    logs = layout.workdir / "logs"
    rasa = [
        ServerProcess(f"rasa-{index + 1}", f"http://127.0.0.1:{port}/",
                      [*rasa_command(BIN / "python"), "run", "--model", str(model), "--port", str(port),
                       "--endpoints", str(endpoints), "--credentials", str(config.PROJECT_ROOT / "credentials.yml"),
                       "--enable-api", "--auth-token", environment["GUICHET_RASA_TOKEN"],
                       *(["--cors", *config.cors_origins()] if config.cors_origins() else [])],
                      environment, logs / f"rasa-{index + 1}.log")
        for index, port in enumerate(layout.rasa_ports)
    ]
    actions = [
        ServerProcess(f"actions-{index + 1}", f"http://127.0.0.1:{port}/health",
                      [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
                      environment, logs / f"actions-{index + 1}.log")
        for index, port in enumerate(layout.action_ports)
    ]
    web = ServerProcess("web", f"http://127.0.0.1:{layout.web_port}/health",
                        [str(BIN / "guichet"), "web", "--host", "127.0.0.1", "--port", str(layout.web_port)],
                        environment, logs / "web.log")
    nginx = ServerProcess("nginx", f"{layout.public_url}/health", [nginx_binary, "-c", str(nginx_conf)],
                          environment, logs / "nginx.log")
    return Cluster(layout, rasa, actions, web, nginx)


def start_cluster(layout: ClusterLayout, base_environment: dict | None = None, model: Path = MODEL) -> Cluster:
    """Start every process (action servers, Rasa replicas and web app side by side, then nginx)."""
    if not model.exists():
        raise ProcessError(f"Modèle absent ({model}) : lancez « make train ».")
    cluster = build_cluster(layout, cluster_environment(layout, dict(base_environment or os.environ)), model)
    start_together([*cluster.actions, *cluster.rasa, cluster.web])
    try:
        cluster.nginx.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
