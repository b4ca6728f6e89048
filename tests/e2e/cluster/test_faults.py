"""Faults during a conversation: the action servers, PostgreSQL, Redis, one Rasa replica.

These tests stop and restart the machine's PostgreSQL and Redis servers (as CI's machine has them), with the
commands that started them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import redis
import requests

from assistant.answers import APOLOGY
from assistant.cluster.processes import start_together
from tests.e2e.cluster.conftest import REDIS_URL, RunningCluster
from tests.e2e.cluster.test_replicas import user_texts
from tests.e2e.test_handoff import Console, add_advisor
from tests.e2e.test_rest_channel import the_payload

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
# Redis as the machine starts it: nothing kept on disk.
REDIS_COMMAND = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
                 "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def wait_for(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.TransportError, redis.ConnectionError, requests.ConnectionError):
            pass
        time.sleep(0.5)
    pytest.fail(f"{what} n'est pas revenu en {timeout:.0f} s")


def apology(sender: str) -> list[dict]:
    return [{"recipient_id": sender, "text": APOLOGY}]


def test_without_action_server_the_user_gets_an_apology_then_the_conversation_goes_on(
        running_cluster: RunningCluster, sender):
    actions = running_cluster.cluster.actions
    assert the_payload(running_cluster.send(sender, "bonjour"))["type"] == "greet"
    actions[0].kill()
    assert the_payload(running_cluster.send(sender, "j'ai perdu ma carte vitale"))["topic"] == "sante"  # the other

    actions[1].kill()
    assert running_cluster.send(sender, "je dois refaire ma carte grise") == apology(sender)

    start_together(actions)
    balancer = f"http://127.0.0.1:{running_cluster.layout.actions_balancer_port}/health"
    wait_for(lambda: httpx.get(balancer, timeout=5).is_success, "Le serveur d'actions (via nginx)")
    payload = the_payload(running_cluster.send(sender, "je dois refaire ma carte grise"))
    assert (payload["type"], payload["topic"]) == ("procedures", "vehicule")


def test_a_postgresql_restart_loses_no_ticket_and_no_turn(running_cluster: RunningCluster, sender):
    Console(running_cluster, add_advisor(running_cluster, ["77"]))
    running_cluster.send(sender, "j'ai perdu ma carte vitale")
    running_cluster.send(sender, "je veux parler à un conseiller")
    waiting = the_payload(running_cluster.send(sender, "oui"))
    assert waiting["status"] == "waiting"

    version = sorted(path.name for path in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True, timeout=120)

    assert running_cluster.send(sender, "vous êtes là ?") == []  # still paused, read from PostgreSQL again
    handoff = requests.get(f"{running_cluster.layout.public_url}/api/handoff/{waiting['ticket']}",
                           headers={"X-Handoff-Secret": waiting["secret"]}, timeout=30)
    assert handoff.status_code == 200 and handoff.json()["status"] == "waiting"
    tracker = running_cluster.tracker(sender)
    assert user_texts(tracker) == ["j'ai perdu ma carte vitale", "je veux parler à un conseiller", "oui",
                                   "vous êtes là ?"]
    assert tracker["paused"] is True


def test_without_redis_the_user_is_told_to_resend_then_the_conversation_goes_on(
        running_cluster: RunningCluster, sender):
    assert shutil.which("redis-server"), "redis-server est introuvable"
    client = redis.Redis.from_url(REDIS_URL)
    assert the_payload(running_cluster.send(sender, "bonjour"))["type"] == "greet"
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it stops
    try:
        assert running_cluster.send(sender, "j'ai perdu ma carte vitale") == apology(sender)
    finally:
        subprocess.run(REDIS_COMMAND, check=True, capture_output=True, timeout=30)
        wait_for(client.ping, "Redis")

    payload = the_payload(running_cluster.send(sender, "j'ai perdu ma carte vitale"))
    assert (payload["type"], payload["topic"]) == ("procedures", "sante")
    # The message sent while the lock store was down was refused before being stored: the user resent it.
    assert user_texts(running_cluster.tracker(sender)) == ["bonjour", "j'ai perdu ma carte vitale"]


def test_a_conversation_goes_on_through_nginx_when_a_rasa_replica_dies(running_cluster: RunningCluster, sender):
    asked = the_payload(running_cluster.send(sender, "où est la france services la plus proche ?"))
    assert asked["structures"] == []
    replica = running_cluster.cluster.rasa[0]
    replica.kill()
    try:
        found = the_payload(running_cluster.send(sender, "Coulommiers"))
        assert found["location"]["insee"] == "77131"
        for message, topic in [("j'ai perdu ma carte vitale", "sante"), ("je dois refaire ma carte grise",
                                                                        "vehicule")]:
            assert the_payload(running_cluster.send(sender, message))["topic"] == topic
    finally:
        replica.start()
    assert user_texts(running_cluster.tracker(sender, replica=0))[-3:] == [
        "Coulommiers", "j'ai perdu ma carte vitale", "je dois refaire ma carte grise"]
