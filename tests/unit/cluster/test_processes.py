from __future__ import annotations

import sys

import httpx
import pytest

from assistant.cluster.processes import ProcessError, ServerProcess, free_port, start_together


def http_server(tmp_path, name: str) -> ServerProcess:
    port = free_port()
    return ServerProcess(name, f"http://127.0.0.1:{port}/", [sys.executable, "-m", "http.server", str(port),
                                                              "--bind", "127.0.0.1", "--directory", str(tmp_path)],
                         {}, tmp_path / f"{name}.log")


def test_servers_start_together_answer_and_are_killed(tmp_path):
    servers = [http_server(tmp_path, "premier"), http_server(tmp_path, "second")]

    start_together(servers, timeout=30)
    assert all(httpx.get(server.health_url).status_code == 200 for server in servers)
    servers[0].kill()

    assert not servers[0].running and servers[1].running
    with pytest.raises(httpx.ConnectError):
        httpx.get(servers[0].health_url)
    servers[1].stop()
    assert not servers[1].running


def test_a_server_that_exits_at_start_is_reported_with_its_log(tmp_path):
    broken = ServerProcess("cassé", "http://127.0.0.1:9/", [sys.executable, "-c", "print('port déjà pris'); exit(3)"],
                           {}, tmp_path / "broken.log")
    healthy = http_server(tmp_path, "sain")

    with pytest.raises(ProcessError, match="cassé s'est arrêté au démarrage :\nport déjà pris"):
        start_together([healthy, broken], timeout=30)
    assert not healthy.running
