"""Start, watch and stop the assistant's server processes (the local cluster, end-to-end tests, benchmarks)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.config import PROJECT_ROOT

START_TIMEOUT_SECONDS = 300


def free_port() -> int:
    """A loopback port nothing listens on now, for servers started side by side by tests and benchmarks."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProcessError(RuntimeError):
    """A server did not start; the message says which, and ends with its log."""


@dataclass
class ServerProcess:
    """One server of the assistant: its command, the URL answering 200 once it is ready, and its log file."""

    name: str
    health_url: str
    command: list[str]
    environment: dict
    log: Path
    process: subprocess.Popen | None = None

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        self.launch()
        self.wait_until_ready(timeout)

    def launch(self) -> None:
        """Start the process without waiting (several servers load their models side by side)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(self.command, cwd=PROJECT_ROOT, env=self.environment, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ProcessError(f"{self.name} s'est arrêté au démarrage :\n{self.log_tail()}")
            try:
                if httpx.get(self.health_url, timeout=2).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise ProcessError(f"{self.name} n'a pas démarré en {timeout:.0f} s :\n{self.log_tail()}")

    def log_tail(self, characters: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM to its whole process group), then force it after 20 s."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the server at once, as a crash would."""
        self._end(signal.SIGKILL)

    def _end(self, signal_number: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal_number)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def start_together(servers: list[ServerProcess], timeout: float = START_TIMEOUT_SECONDS) -> None:
    """Launch every server, then wait for each; stop them all if one fails."""
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_until_ready(timeout)
    except BaseException:
        for server in servers:
            server.stop()
        raise
