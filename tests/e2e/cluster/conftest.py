"""The local cluster on free loopback ports: 2 Rasa replicas and 2 action servers behind nginx, throw-away
PostgreSQL databases and a Redis key prefix of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from assistant.cluster.layout import ClusterLayout
from assistant.cluster.processes import ProcessError, free_port
from assistant.cluster.runner import Cluster, drop_databases, prepare_stores, start_cluster
from assistant.config import SHARED_STRUCTURES_LIST
from tests.e2e.conftest import MODEL
from tests.integration.conftest import SERVER_URL

REDIS_URL = os.environ.get("GUICHET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class RunningCluster:
    cluster: Cluster
    environment: dict

    @property
    def layout(self) -> ClusterLayout:
        return self.cluster.layout

    @property
    def web_url(self) -> str:
        """The web app as users reach it: through nginx."""
        return self.layout.public_url

    def send(self, sender: str, message: str, *, replica: int | None = None, metadata: dict | None = None,
             check: bool = True) -> list[dict]:
        """A user's message through nginx (public entry), or straight to one Rasa replica."""
        base = self.layout.public_url if replica is None else self.layout.rasa_url(replica)
        body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
        response = requests.post(f"{base}/webhooks/rest/webhook", json=body, timeout=60)
        if check:
            response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, replica: int = 0) -> dict:
        """The conversation as one replica reads it from the shared tracker store (Rasa's API, with its token)."""
        response = requests.get(f"{self.layout.rasa_url(replica)}/conversations/{sender}/tracker",
                                params={"token": self.environment["GUICHET_RASA_TOKEN"]}, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def running_cluster(tmp_path_factory) -> Iterator[RunningCluster]:
    if not MODEL.exists():
        pytest.fail(f"Modèle absent ({MODEL}) : lancez les tests avec « make test », qui l'entraîne.")
    suffix = uuid.uuid4().hex[:10]
    database = f"{SERVER_URL.rsplit('/', 1)[0]}/guichet_cluster_{suffix}"
    layout = ClusterLayout(
        public_port=free_port(), rasa_ports=(free_port(), free_port()), action_ports=(free_port(), free_port()),
        actions_balancer_port=free_port(), rasa_api_port=free_port(), web_port=free_port(),
        database_url=database, tracker_database_url=f"{database}_tracker", redis_url=REDIS_URL,
        lock_key_prefix=f"test{suffix}", workdir=tmp_path_factory.mktemp("cluster"),
    )
    environment = {**os.environ, "GUICHET_RASA_TOKEN": uuid.uuid4().hex, "GUICHET_SESSION_SECRET": uuid.uuid4().hex * 2,
                   "GUICHET_LIVE_HOURS": "1-7 00:00-24:00", "GUICHET_RATE_LIMIT": "100000/minute",
                   "GUICHET_RATE_LIMIT_POLLING": "100000/minute", "GUICHET_RATE_LIMIT_LOGIN": "100000/minute"}
    try:
        prepare_stores(layout, str(SHARED_STRUCTURES_LIST))
        cluster = start_cluster(layout, environment)
    except ProcessError as error:
        drop_databases(layout.database_url, layout.tracker_database_url)
        pytest.fail(str(error))
    try:
        yield RunningCluster(cluster, {**environment, "GUICHET_DATABASE_URL": layout.database_url})
    finally:
        cluster.stop()
        drop_databases(layout.database_url, layout.tracker_database_url)


@pytest.fixture
def sender() -> str:
    return f"cluster-{uuid.uuid4()}"
