from __future__ import annotations

import pytest

from assistant.cluster.layout import ClusterLayout
from assistant.cluster.processes import ProcessError
from assistant.cluster.runner import build_cluster, cluster_environment


def test_every_process_shares_the_stores_and_trusts_nginx_alone(tmp_path):
    layout = ClusterLayout(rasa_api_port=5104, public_port=8100, redis_url="redis://127.0.0.1:6379/3",
                           workdir=tmp_path)

    environment = cluster_environment(layout, {"GUICHET_RASA_TOKEN": "jeton", "PATH": "/usr/bin"})

    assert environment["GUICHET_RASA_URL"] == "http://127.0.0.1:5104"
    assert environment["GUICHET_PUBLIC_RASA_URL"] == "http://127.0.0.1:8100"
    assert environment["GUICHET_TRUSTED_PROXIES"] == "127.0.0.1"
    assert environment["GUICHET_RATE_LIMIT_STORAGE"] == "redis://127.0.0.1:6379/4"
    assert (environment["GUICHET_RASA_TOKEN"], environment["PATH"]) == ("jeton", "/usr/bin")


def test_replicas_and_action_servers_are_built_from_the_layout(tmp_path):
    layout = ClusterLayout(rasa_ports=(5105, 5106), action_ports=(5156, 5157, 5158), workdir=tmp_path)

    cluster = build_cluster(layout, {"GUICHET_RASA_TOKEN": "jeton", "GUICHET_SESSION_SECRET": "clé"})

    assert [server.health_url for server in cluster.rasa] == ["http://127.0.0.1:5105/", "http://127.0.0.1:5106/"]
    assert [server.name for server in cluster.actions] == ["actions-1", "actions-2", "actions-3"]
    assert "--auth-token" in cluster.rasa[0].command and "jeton" in cluster.rasa[0].command
    assert (tmp_path / "endpoints.yml").exists() and (tmp_path / "nginx.conf").exists()


def test_the_cluster_needs_its_secrets_from_the_environment(tmp_path):
    with pytest.raises(ProcessError, match="GUICHET_SESSION_SECRET est requise"):
        build_cluster(ClusterLayout(workdir=tmp_path), {"GUICHET_RASA_TOKEN": "jeton"})
