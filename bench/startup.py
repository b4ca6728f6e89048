"""Start-up: how long `make run` takes to answer its first question, on a fresh clone and after a restart.

Why: a new developer's first answer, and an advisor's wait after a restart, are what the README's run command
costs. What: clones the committed project into a temporary folder (with ../shared beside it, as CI has it), runs
`make run` there and sends a question to the REST channel every half second until it is answered; reads when
the action server and the web app answer their health checks; stops it (as Ctrl+C does), then starts it again
--restarts times with the model and data now in place. Every answer the REST channel gives during a start must
be a 200 with messages: anything else is counted as an error. pip's wheel cache is used as usual (a machine
that installed the project once has it).
Targets: first answer <= 6 min on a fresh clone, <= 30 s after a restart, no error.
Usage: .venv/bin/python bench/startup.py [--restarts 3] [--keep] [--json bench/results/startup.json]
Needs ports 5005, 5055 and 8080 free (endpoints.yml names the action server's port).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PORTS = {"rasa": 5005, "actions": 5055, "web": 8080}
HEALTH = {"actions": "http://127.0.0.1:5055/health", "web": "http://127.0.0.1:8080/health"}
WEBHOOK = "http://127.0.0.1:5005/webhooks/rest/webhook"
QUESTION = "je déménage, qui dois-je prévenir ?"
FRESH_TARGET_S = 6 * 60
RESTART_TARGET_S = 30
TIMEOUT_S = 30 * 60


@dataclass
class Start:
    kind: str  # "fresh clone" or "restart"
    first_answer_s: float | None = None
    ready_s: dict[str, float] = field(default_factory=dict)  # server → seconds until its health check answered
    errors: list[str] = field(default_factory=list)
    first_answer: str = ""


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def ask(client: httpx.Client, start: Start) -> bool:
    """One question; True when answered with messages. A refused connection is not an error: nothing listens yet."""
    try:
        response = client.post(WEBHOOK, json={"sender": f"startup-{uuid.uuid4()}", "message": QUESTION})
    except httpx.TransportError:
        return False
    messages = response.json() if response.status_code == 200 else None
    if not messages:
        start.errors.append(f"HTTP {response.status_code}: {response.text[:120]}")
        return False
    first = messages[0]
    answer = first.get("text") or json.dumps(first.get("custom", {}), ensure_ascii=False)
    start.first_answer = answer.splitlines()[0][:120]
    return True


def run_once(project: Path, kind: str, log: Path) -> Start:
    start = Start(kind)
    with log.open("a", encoding="utf-8") as output:
        output.write(f"\n===== {kind} =====\n")
        output.flush()
        began = time.perf_counter()
        process = subprocess.Popen(["make", "run"], cwd=project, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            with httpx.Client(timeout=60) as client:
                while time.perf_counter() - began < TIMEOUT_S:
                    if process.poll() is not None:
                        start.errors.append(f"make run stopped with code {process.returncode} (see {log})")
                        break
                    for name, url in HEALTH.items():
                        if name not in start.ready_s:
                            try:
                                if client.get(url, timeout=2).status_code == 200:
                                    start.ready_s[name] = time.perf_counter() - began
                            except httpx.TransportError:
                                pass
                    if ask(client, start):
                        start.first_answer_s = time.perf_counter() - began
                        start.ready_s["rasa"] = start.first_answer_s
                        break
                    time.sleep(0.5)
        finally:
            stop(process)
    return start


def stop(process: subprocess.Popen) -> None:
    """As Ctrl+C in the terminal: the Makefile's trap stops the three servers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    deadline = time.monotonic() + 60
    while any(port_taken(port) for port in PORTS.values()) and time.monotonic() < deadline:
        time.sleep(0.5)


def describe(start: Start) -> str:
    ready = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(start.ready_s.items()))
    answered = f"{start.first_answer_s:.1f} s" if start.first_answer_s is not None else "no answer"
    return f"{start.kind:12} first answer {answered:>10}  (ready: {ready}; errors {len(start.errors)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=3, help="starts with the model and data in place")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    arguments = parser.parse_args()

    taken = [f"{name} ({port})" for name, port in PORTS.items() if port_taken(port)]
    if taken:
        print(f"Ports already in use: {', '.join(taken)}; stop what listens there first.", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="guichet-startup-"))
    project = workdir / "guichet"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(project)], check=True)
    (workdir / "shared").symlink_to((ROOT.parent / "shared").resolve())
    log = workdir / "make-run.log"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project, capture_output=True, text=True,
                            check=True).stdout.strip()
    pip_cache = Path.home() / ".cache" / "pip"
    print(f"Fresh clone of {commit} in {project}; pip's wheel cache {'present' if pip_cache.exists() else 'empty'}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    starts = [run_once(project, "fresh clone", log)]
    print(describe(starts[0]), flush=True)
    for _ in range(arguments.restarts if starts[0].first_answer_s is not None else 0):
        starts.append(run_once(project, "restart", log))
        print(describe(starts[-1]), flush=True)

    restarts = [start.first_answer_s for start in starts[1:] if start.first_answer_s is not None]
    fresh = starts[0].first_answer_s
    errors = [error for start in starts for error in start.errors]
    print(f"\nFirst answer on a fresh clone: {fresh:.0f} s (target <= {FRESH_TARGET_S} s)" if fresh is not None
          else "\nNo answer on the fresh clone")
    if restarts:
        print(f"After a restart: min {min(restarts):.1f} s, median {statistics.median(restarts):.1f} s, "
              f"max {max(restarts):.1f} s (target <= {RESTART_TARGET_S} s)")
    print(f"Errors during the starts: {len(errors)}" + "".join(f"\n  {error}" for error in errors[:10]))
    print(f"First answer: {starts[0].first_answer}")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps([asdict(start) for start in starts], indent=2, ensure_ascii=False),
                                  encoding="utf-8")
    if arguments.keep:
        print(f"Clone kept: {project} (log: {log})")
    else:
        subprocess.run(["rm", "-rf", str(workdir)], check=False)
    met = (fresh is not None and fresh <= FRESH_TARGET_S and restarts and max(restarts) <= RESTART_TARGET_S
           and not errors)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
