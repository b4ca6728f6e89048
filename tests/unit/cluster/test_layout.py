from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import quote

import pytest
import yaml

from assistant.cluster.layout import ClusterLayout


@pytest.fixture
def layout(tmp_path) -> ClusterLayout:
    return ClusterLayout(public_port=8100, rasa_ports=(5105, 5106, 5107), action_ports=(5156, 5157),
                         actions_balancer_port=5155, rasa_api_port=5104, web_port=8180,
                         tracker_database_url="postgresql://guichet:secret@db.internal:5433/conversations",
                         redis_url="redis://:motdepasse@cache.internal:6380/2", lock_key_prefix="essai",
                         workdir=tmp_path / "cluster")


def test_rasa_replicas_share_the_sql_tracker_store_and_the_redis_lock_store(layout):
    endpoints = yaml.safe_load(layout.endpoints_yaml())

    assert endpoints["action_endpoint"] == {"url": "http://127.0.0.1:5155/webhook"}
    assert endpoints["tracker_store"] == {
        "type": "assistant.privacy.tracker_store.RedactingSQLTrackerStore", "dialect": "postgresql",
        "url": "db.internal", "port": 5433, "db": "conversations", "username": "guichet", "password": "secret",
        "login_db": "postgres"}
    assert endpoints["lock_store"] == {"type": "redis", "url": "cache.internal", "port": 6380, "db": 2,
                                       "password": "motdepasse", "key_prefix": "essai"}


def test_any_password_is_written_safely(tmp_path):
    awkward = 'p"a:s\\s #{x}\n'
    layout = ClusterLayout(tracker_database_url=f"postgresql://guichet:{quote(awkward, safe='')}@db/conversations",
                           redis_url=f"redis://:{quote(awkward, safe='')}@cache:6379/0", workdir=tmp_path)

    endpoints = yaml.safe_load(layout.endpoints_yaml())

    assert endpoints["tracker_store"]["password"] == endpoints["lock_store"]["password"] == awkward
    assert endpoints["tracker_store"]["db"] == "conversations"


def server_blocks(configuration: str) -> dict[str, str]:
    """Each `server { ... }` block of the nginx configuration, by the address it listens on."""
    blocks = {}
    for match in re.finditer(r"server \{\n(.*?)\n    \}\n", configuration, re.S):
        listen = re.search(r"listen ([\d.:]+);", match.group(1)).group(1)
        blocks[listen] = match.group(1)
    return blocks


def test_nginx_exposes_only_the_rest_channel_and_the_web_app(layout):
    configuration = layout.nginx_conf()
    blocks = server_blocks(configuration)

    assert set(blocks) == {"127.0.0.1:8100", "127.0.0.1:5155", "127.0.0.1:5104"}
    public = blocks["127.0.0.1:8100"]
    locations = re.findall(r"location (?:= )?(\S+) \{(.*?)\n        \}", public, re.S)
    routes = {path: re.search(r"proxy_pass http://(\w+);", body)[1] for path, body in locations if "proxy_pass" in body}
    assert routes == {"/webhooks/rest/webhook": "rasa_replicas", "/": "web_app"}
    assert [path for path, body in locations if "proxy_pass" not in body] == ["@too_large"]
    upstream = re.search(r"upstream rasa_replicas \{(.*?)\}", configuration, re.S).group(1)
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", upstream) == ["5105", "5106", "5107"]
    assert "proxy_pass http://action_servers;" in blocks["127.0.0.1:5155"]


def test_nginx_accepts_the_configuration(layout):
    """Debian's nginx, installed by `make test`, parses the configuration written for the cluster."""
    _, nginx_conf = layout.write_configuration()

    checked = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-c", str(nginx_conf)],
                             capture_output=True, text=True)

    assert checked.returncode == 0, checked.stderr
    assert oct(nginx_conf.stat().st_mode & 0o777) == "0o600"


def test_configuration_files_are_rewritten_owner_only(layout):
    layout.workdir.mkdir()
    (layout.workdir / "endpoints.yml").write_text("ancien")
    (layout.workdir / "endpoints.yml").chmod(0o644)

    endpoints, _ = layout.write_configuration()

    assert oct(endpoints.stat().st_mode & 0o777) == "0o600"
    assert yaml.safe_load(endpoints.read_text())["lock_store"]["password"] == "motdepasse"
