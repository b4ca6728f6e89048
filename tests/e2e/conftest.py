"""Start the real action server and Rasa server (trained model) on free loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from assistant.config import PROJECT_ROOT, SHARED_STRUCTURES_LIST
from assistant.db import create_database_engine, create_session_factory
from assistant.structures.importer import import_structures
from tests.conftest import KNOWLEDGE_DIRECTORY, load_into_sqlite

MODEL = PROJECT_ROOT / "models" / "guichet.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
START_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} s'est arrêté au démarrage :\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    pytest.fail(f"{url} n'a pas démarré en {START_TIMEOUT_SECONDS} s :\n{log.read_text()[-3000:]}")


@dataclass
class Assistant:
    url: str
    endpoints: Path
    environment: dict

    def send(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Iterator[Assistant]:
    if not MODEL.exists():
        pytest.fail(f"Modèle absent ({MODEL}) : lancez les tests avec « make test », qui l'entraîne.")
    workdir = tmp_path_factory.mktemp("servers")
    load_into_sqlite(KNOWLEDGE_DIRECTORY, workdir / "guichet.db")
    engine = create_database_engine(f"sqlite:///{workdir / 'guichet.db'}")
    import_structures(create_session_factory(engine), SHARED_STRUCTURES_LIST)
    engine.dispose()
    environment = {**os.environ, "GUICHET_DATABASE_URL": f"sqlite:///{workdir / 'guichet.db'}",
                   "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    commands = {
        f"http://127.0.0.1:{actions_port}/health": [
            str(RASA), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        f"http://127.0.0.1:{rasa_port}/": [
            str(RASA), "run", "--model", str(MODEL), "--port", str(rasa_port), "--endpoints", str(endpoints),
            "--credentials", str(PROJECT_ROOT / "credentials.yml")],
    }
    processes = []
    try:
        for number, (health_url, command) in enumerate(commands.items()):
            log = workdir / f"server-{number}.log"
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=log.open("w"),
                                       stderr=subprocess.STDOUT)
            processes.append(process)
            wait_until_up(health_url, process, log)
        yield Assistant(url=f"http://127.0.0.1:{rasa_port}", endpoints=endpoints, environment=environment)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4()}"
