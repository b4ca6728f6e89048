"""The Rasa replicas' endpoints.yml in Compose and Kubernetes, read by Rasa itself: shared stores, same as the
local cluster's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.unit.deploy.files import COMPOSE_ENDPOINTS, KUBERNETES_DIR, TEST_SECRETS, find, kubernetes_documents


@pytest.fixture(scope="module")
def kubernetes_endpoints(tmp_path_factory) -> Path:
    config_map = find([document for _, document in kubernetes_documents()], "ConfigMap", "guichet-rasa-endpoints")
    path = tmp_path_factory.mktemp("kubernetes") / "endpoints.yml"
    path.write_text(config_map["data"]["endpoints.yml"])
    return path


def read_with_rasa(path: Path, section: str, monkeypatch, **environment: str):
    """What a Rasa replica reads, `${VAR}` replaced from its environment as Rasa does."""
    from rasa.utils.endpoints import read_endpoint_config

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return read_endpoint_config(str(path), section)


def test_compose_replicas_share_postgres_and_redis_and_call_the_action_balancer(monkeypatch):
    password = TEST_SECRETS["POSTGRES_PASSWORD"]
    tracker = read_with_rasa(COMPOSE_ENDPOINTS, "tracker_store", monkeypatch, POSTGRES_PASSWORD=password)
    lock = read_with_rasa(COMPOSE_ENDPOINTS, "lock_store", monkeypatch)
    actions = read_with_rasa(COMPOSE_ENDPOINTS, "action_endpoint", monkeypatch)

    assert tracker.type == "assistant.privacy.tracker_store.RedactingSQLTrackerStore"
    assert tracker.url == "postgres"
    assert tracker.kwargs["dialect"] == "postgresql"
    assert tracker.kwargs["db"] == "guichet_tracker"
    assert tracker.kwargs["password"] == password
    assert (lock.type, lock.url, lock.kwargs["port"], lock.kwargs["db"]) == ("redis", "redis", 6379, 0)
    assert actions.url == "http://nginx:5055/webhook"


def test_kubernetes_replicas_read_hosts_and_password_from_their_environment(kubernetes_endpoints, monkeypatch):
    environment = {"POSTGRES_HOST": "db.internal", "POSTGRES_USER": "guichet", "POSTGRES_DB": "guichet",
                   "POSTGRES_PASSWORD": TEST_SECRETS["POSTGRES_PASSWORD"], "REDIS_HOST": "redis.internal"}
    tracker = read_with_rasa(kubernetes_endpoints, "tracker_store", monkeypatch, **environment)
    lock = read_with_rasa(kubernetes_endpoints, "lock_store", monkeypatch, **environment)
    actions = read_with_rasa(kubernetes_endpoints, "action_endpoint", monkeypatch, **environment)

    assert tracker.url == "db.internal"
    assert tracker.kwargs["username"] == "guichet"
    assert tracker.kwargs["password"] == TEST_SECRETS["POSTGRES_PASSWORD"]
    assert tracker.kwargs["db"] == "guichet_tracker"
    assert lock.url == "redis.internal"
    assert actions.url == "http://actions:5055/webhook"


def test_compose_kubernetes_and_the_local_cluster_use_the_same_stores(kubernetes_endpoints):
    layout = pytest.importorskip("assistant.cluster.layout")
    cluster = yaml.safe_load(layout.ClusterLayout().endpoints_yaml())

    def stores(endpoints: dict) -> tuple:
        tracker, lock = endpoints["tracker_store"], endpoints["lock_store"]
        return (tracker["type"], tracker["dialect"], tracker["db"], lock["type"], lock["db"], lock["key_prefix"])

    compose = yaml.safe_load(COMPOSE_ENDPOINTS.read_text())
    kubernetes = yaml.safe_load(kubernetes_endpoints.read_text())
    assert stores(compose) == stores(kubernetes) == stores(cluster)


def test_the_tracker_store_class_exists():
    """Rasa loads the tracker store by its dotted name: a typo would only show when a replica starts."""
    module = pytest.importorskip("assistant.privacy.tracker_store")
    compose = yaml.safe_load(COMPOSE_ENDPOINTS.read_text())

    module_name, _, class_name = compose["tracker_store"]["type"].rpartition(".")
    assert module_name == module.__name__
    assert hasattr(module, class_name)


def test_the_tracker_database_is_created_for_a_fresh_postgres():
    statement = "CREATE DATABASE guichet_tracker OWNER guichet;"
    config_map = find([document for _, document in kubernetes_documents()], "ConfigMap", "guichet-postgres-init")

    assert statement in (COMPOSE_ENDPOINTS.parent / "postgres-init.sql").read_text()
    assert list(config_map["data"].values()) == [statement + "\n"]
    assert (KUBERNETES_DIR / "postgres.yaml").exists()
