"""Start the real action server and Rasa server (trained model) on free loopback ports."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from assistant.cluster.processes import ProcessError, ServerProcess, free_port, start_together
from assistant.config import PROJECT_ROOT, SHARED_SHEETS_ARCHIVE, SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.rasa_main import rasa_command
from assistant.sheets.importer import import_sheets
from assistant.structures.importer import import_structures
from tests.conftest import KNOWLEDGE_DIRECTORY, load_into_sqlite

MODEL = PROJECT_ROOT / "models" / "guichet.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
GUICHET = Path(sys.executable).parent / "guichet"


def start_or_fail(servers: list[ServerProcess]) -> None:
    try:
        start_together(servers)
    except ProcessError as error:
        pytest.fail(str(error))


@dataclass
class Assistant:
    url: str
    web_url: str
    endpoints: Path
    environment: dict
    servers: dict[str, ServerProcess]

    def send(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Iterator[Assistant]:
    """The action server, the Rasa server (REST channel, token-protected API, SQL tracker store) and the web app.

    Advisors answer live at any hour here, so that the live handoff can be tested whatever the clock says.
    """
    if not MODEL.exists():
        pytest.fail(f"Modèle absent ({MODEL}) : lancez les tests avec « make test », qui l'entraîne.")
    workdir = tmp_path_factory.mktemp("servers")
    load_into_sqlite(KNOWLEDGE_DIRECTORY, workdir / "guichet.db")
    engine = create_database_engine(f"sqlite:///{workdir / 'guichet.db'}")
    import_structures(create_session_factory(engine), SHARED_STRUCTURES_LIST)
    import_sheets(create_session_factory(engine), SHARED_SHEETS_ARCHIVE)
    engine.dispose()
    actions_port, rasa_port, web_port = free_port(), free_port(), free_port()
    environment = {**os.environ, "GUICHET_DATABASE_URL": f"sqlite:///{workdir / 'guichet.db'}",
                   "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
                   "GUICHET_RASA_URL": f"http://127.0.0.1:{rasa_port}", "GUICHET_RASA_TOKEN": uuid.uuid4().hex,
                   "GUICHET_SESSION_SECRET": uuid.uuid4().hex * 2, "GUICHET_LIVE_HOURS": "1-7 00:00-24:00",
                   "GUICHET_PUBLIC_RASA_URL": f"http://127.0.0.1:{rasa_port}",
                   # The sheets' search index is cached by content: the project's cache serves every run.
                   "GUICHET_CACHE_DIR": str(PROJECT_ROOT / "var" / "cache"),
                   # Every test talks from 127.0.0.1: the rate limits (tested in tests/unit) must not interfere.
                   "GUICHET_RATE_LIMIT": "100000/minute", "GUICHET_RATE_LIMIT_POLLING": "100000/minute",
                   "GUICHET_RATE_LIMIT_LOGIN": "100000/minute"}
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
                         "tracker_store:\n  type: assistant.privacy.tracker_store.RedactingSQLTrackerStore\n"
                         f'  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n')
    commands = {
        "actions": (f"http://127.0.0.1:{actions_port}/health",
                    [str(RASA), "run", "actions", "--actions", "actions", "--port", str(actions_port)]),
        "rasa": (f"http://127.0.0.1:{rasa_port}/",
                 [*rasa_command(sys.executable), "run", "--model", str(MODEL), "--port", str(rasa_port),
                  "--endpoints", str(endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml"), "--cors", "*",
                  "--enable-api", "--auth-token", environment["GUICHET_RASA_TOKEN"]]),
        "web": (f"http://127.0.0.1:{web_port}/health", [str(GUICHET), "web", "--port", str(web_port)]),
    }
    servers = {name: ServerProcess(name, health_url, command, environment, workdir / f"{name}.log")
               for name, (health_url, command) in commands.items()}
    start_or_fail(list(servers.values()))
    try:
        yield Assistant(url=f"http://127.0.0.1:{rasa_port}", web_url=f"http://127.0.0.1:{web_port}",
                        endpoints=endpoints, environment=environment, servers=servers)
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4()}"
