"""Load: simulated citizens (Locust, headless) against 1 Rasa replica, then the 2-replica cluster, in one run.

Both configurations run the production topology on loopback (nginx, PostgreSQL tracker store, Redis lock
store; bench/locustfile.py says what a simulated citizen does) with the same users for the same duration.
Prints throughput, p50/p95/p99 latency and errors side by side, then checks in the tracker store that every
message sent was stored (no lost turn).
Usage: .venv/bin/python bench/load.py [--users 50] [--duration 120] [--json bench/results/load.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.cluster.layout import ClusterLayout  # noqa: E402
from assistant.cluster.processes import free_port  # noqa: E402
from assistant.cluster.runner import drop_databases, prepare_stores, start_cluster  # noqa: E402
from assistant.config import structures_source  # noqa: E402

BIN = Path(sys.executable).parent
SERVER_URL = os.environ.get("GUICHET_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
P95_TARGET_MS = 300


def stored_user_messages(tracker_url: str, run: str) -> int:
    engine = create_engine(tracker_url, future=True)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM events WHERE type_name = 'user' AND sender_id LIKE :run"),
                                   {"run": f"{run}-%"}).scalar_one()
    engine.dispose()
    return count


def percentile(response_times: dict[int, int], fraction: float) -> int:
    """The response time (ms, as Locust rounds it) within which `fraction` of the requests were answered."""
    total = sum(response_times.values())
    answered = 0
    for response_time in sorted(response_times):
        answered += response_times[response_time]
        if answered >= fraction * total:
            return response_time
    return 0


def aggregated_stats(json_file: Path) -> dict:
    """Figures over every request, from Locust's final statistics (written once all users have stopped)."""
    entries = json.loads(json_file.read_text())
    response_times: dict[int, int] = {}
    for entry in entries:
        for response_time, count in entry["response_times"].items():
            response_times[int(response_time)] = response_times.get(int(response_time), 0) + count
    requests = sum(entry["num_requests"] for entry in entries)
    seconds = max(entry["last_request_timestamp"] for entry in entries) - min(entry["start_time"] for entry in entries)
    return {"requests": requests, "errors": sum(entry["num_failures"] for entry in entries),
            "throughput_per_s": requests / seconds, "p50_ms": percentile(response_times, 0.50),
            "p95_ms": percentile(response_times, 0.95), "p99_ms": percentile(response_times, 0.99),
            "mean_ms": sum(entry["total_response_time"] for entry in entries) / requests}


def run_configuration(replicas: int, arguments: argparse.Namespace, databases: tuple[str, str], workdir: Path,
                      environment: dict) -> dict:
    """Start `replicas` Rasa servers and as many action servers, let the citizens talk, stop everything."""
    layout = ClusterLayout(
        public_port=free_port(), rasa_ports=tuple(free_port() for _ in range(replicas)),
        action_ports=tuple(free_port() for _ in range(replicas)), actions_balancer_port=free_port(),
        rasa_api_port=free_port(), web_port=free_port(), database_url=databases[0],
        tracker_database_url=databases[1], lock_key_prefix=f"load{uuid.uuid4().hex[:8]}",
        workdir=workdir / f"{replicas}-replicas",
    )
    run = f"load{replicas}r-{uuid.uuid4().hex[:8]}"
    print(f"\n{replicas} replica(s): starting…", flush=True)
    cluster = start_cluster(layout, environment)
    try:
        for replica in range(replicas):  # the first message of a process loads lazily what it needs
            httpx.post(f"{layout.rasa_url(replica)}/webhooks/rest/webhook",
                       json={"sender": f"warmup-{run}", "message": "bonjour"}, timeout=60)
        statistics = layout.workdir / "locust.json"
        print(f"{replicas} replica(s): {arguments.users} citizens for {arguments.duration} s…", flush=True)
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
             "--users", str(arguments.users), "--spawn-rate", str(arguments.spawn_rate),
             "--run-time", f"{arguments.duration}s", "--stop-timeout", "90", "--host", layout.public_url,
             "--json-file", str(statistics.with_suffix("")), "--loglevel", "WARNING"],
            env={**os.environ, "GUICHET_LOAD_RUN": run}, check=False, stdout=subprocess.DEVNULL,
        )
        figures = aggregated_stats(statistics)
    finally:
        cluster.stop()
    figures["stored_user_messages"] = stored_user_messages(layout.tracker_database_url, run)
    figures["lost_messages"] = figures["requests"] - figures["stored_user_messages"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load per configuration")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "load.json")
    arguments = parser.parse_args()

    suffix = uuid.uuid4().hex[:8]
    server = SERVER_URL.rsplit("/", 1)[0]
    databases = (f"{server}/guichet_load_{suffix}", f"{server}/guichet_load_{suffix}_tracker")
    environment = {**os.environ, "GUICHET_RASA_TOKEN": uuid.uuid4().hex, "GUICHET_SESSION_SECRET": uuid.uuid4().hex,
                   # One machine plays every citizen: the per-client rate limit would stop it.
                   "GUICHET_RATE_LIMIT": "1000000/minute"}
    layout = ClusterLayout(database_url=databases[0], tracker_database_url=databases[1])
    results: dict[str, dict] = {}
    try:
        prepare_stores(layout, structures_source())
        with tempfile.TemporaryDirectory(prefix="guichet-load-") as workdir:
            for replicas in (1, 2):
                results[f"{replicas}_replicas"] = run_configuration(replicas, arguments, databases, Path(workdir),
                                                                    environment)
    finally:
        drop_databases(*databases)

    one, two = results["1_replicas"], results["2_replicas"]
    print(f"\nLoad: {arguments.users} citizens, {arguments.duration} s per configuration, "
          f"3-8 s between messages (bench/locustfile.py)")
    print(f"  {'':24} {'1 replica':>10} {'2 replicas':>11} {'ratio':>7}")
    for key in ("requests", "throughput_per_s", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "errors",
                "stored_user_messages", "lost_messages"):
        ratio = f"{two[key] / one[key]:7.2f}" if one[key] else "      -"
        print(f"  {key:24} {one[key]:10.1f} {two[key]:11.1f} {ratio}")
    verdict = "met" if one["errors"] == 0 and one["p95_ms"] < P95_TARGET_MS else "NOT met"
    print(f"\nTarget on 1 replica, 0 errors and p95 < {P95_TARGET_MS} ms: {verdict}")
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps({"users": arguments.users, "duration_s": arguments.duration, **results},
                                         indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
