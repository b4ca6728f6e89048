"""Throughput and memory: guichet on one replica against a bare Rasa bot, in one run.

Why: the closed-loop capacity of one replica (how many turns a second the REST channel answers when nobody waits
between messages) and the memory the assistant's processes hold after minutes of load, beside what Rasa costs on
its own, so that a slow or heavy guichet shows as guichet's and not as Rasa's.
What: guichet as `make run` starts it (Rasa server with the SQLite tracker store of endpoints.yml, action server,
web app; a copy of var/guichet.db, so that the run's conversation events stay out of it), then a bare bot (the
project `rasa init --no-prompt` makes, trained once and cached under var/bench/bare-bot/rasa-<version>, same
SQLite tracker store, no action server). N users each send their next message as soon as the answer arrives
(guichet: the conversations of bench/locustfile.py; bare bot: its own greet / mood / goodbye), for R rounds
of D seconds. An answer other than 200, an empty answer or guichet's apology counts as an error. The load goes
on until --memory-after seconds of load (rounds included), then the resident memory of each server's process tree
is read from /proc. Servers start side by side; the seconds each takes to answer its health check are printed.
Targets: >= 40 turns/s, >= 1.5x the bare bot, <= 1.6 GB for guichet's three processes together.
Usage: .venv/bin/python bench/throughput.py [--users 16] [--duration 40] [--rounds 2] [--memory-after 300]
       [--json bench/results/throughput.json] [--skip-bare] [--skip-guichet]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import httpx
import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.cluster.processes import ProcessError, ServerProcess, free_port  # noqa: E402
from assistant.rasa_main import rasa_command  # noqa: E402

BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "guichet.tar.gz"
DATABASE = ROOT / "var" / "guichet.db"
WORK_ROOT = ROOT / "var" / "bench"  # on var/'s disk, so SQLite writes cost what they cost under `make run`
RASA_VERSION = version("rasa")
BARE_BOT = WORK_ROOT / "bare-bot" / f"rasa-{RASA_VERSION}"
TURN_TIMEOUT_SECONDS = 60
START_TIMEOUT_SECONDS = 600  # loading a model takes minutes on 2 busy cores
TARGET_TURNS_PER_S = 40
TARGET_RATIO = 1.5
TARGET_MEMORY_BYTES = 1.6e9
# What guichet says when a turn failed (assistant/answers.py) or its data is missing (assistant/availability.py).
UNAVAILABLE_PREFIX = "Je ne peux pas vous répondre pour le moment"
BARE_CONVERSATIONS = [["hello", "I am feeling very good", "are you a bot?", "bye"],
                      ["hey there", "I am sad", "yes", "goodbye"],
                      ["good morning", "not good", "no", "see you later"]]


def module_constants(path: Path, names: set[str]) -> dict:
    """Literal constants of a module, read without importing it (locust patches the standard library on import,
    assistant.answers takes seconds to import)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {target.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name) and target.id in names}


LOCUST = module_constants(ROOT / "bench" / "locustfile.py", {"QUESTIONS", "FOLLOW_UPS", "PLACES"})
APOLOGY = module_constants(ROOT / "assistant" / "answers.py", {"APOLOGY"})["APOLOGY"]


def guichet_conversation(rng: random.Random) -> list[str]:
    """A citizen's conversation, as bench/locustfile.py has it: greeting, procedure, follow-up, nearest France
    Services, handoff offer declined, goodbye."""
    return ["bonjour", rng.choice(LOCUST["QUESTIONS"]), rng.choice(LOCUST["FOLLOW_UPS"]), rng.choice(LOCUST["PLACES"]),
            "je voudrais parler à un conseiller", "non merci", "au revoir"]


def bare_conversation(rng: random.Random) -> list[str]:
    return rng.choice(BARE_CONVERSATIONS)


def guichet_failure(replies: list[dict]) -> str | None:
    texts = [reply.get("text") or "" for reply in replies]
    if APOLOGY in texts:
        return "apology"
    if any(text.startswith(UNAVAILABLE_PREFIX) for text in texts):
        return "data unavailable"
    return None


@dataclass
class Bot:
    """What one side of the comparison runs, and how its users talk."""

    name: str
    servers: list[ServerProcess]
    webhook_url: str
    conversation: Callable[[random.Random], list[str]]
    failure: Callable[[list[dict]], str | None] = lambda replies: None


def write_endpoints(source: Path, destination: Path, tracker: dict, action_url: str | None) -> Path:
    """The project's endpoints.yml with this run's action server and tracker store (a fresh SQLite file)."""
    endpoints = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    endpoints["tracker_store"] = {**endpoints.get("tracker_store", {}), **tracker}
    if action_url:
        endpoints["action_endpoint"] = {"url": action_url}
    destination.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return destination


def copy_database(source: Path, destination: Path) -> None:
    """A consistent copy of an SQLite database (SQLite's backup, safe while another process writes)."""
    if not source.exists():
        raise ProcessError(f"{source} est introuvable : lancez d'abord « make kb » (schéma, base de connaissances, "
                           "structures, fiches).")
    original, copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(destination)
    try:
        original.backup(copy)
    finally:
        original.close()
        copy.close()


def rasa_run(launcher: list[str], model: Path, port: int, endpoints: Path, credentials: Path, token: str) -> list[str]:
    """`rasa run` as the Makefile's `run` target writes it (both bots get the same flags; guichet's server is
    started as `make run` starts it, through assistant/rasa_main.py, the bare bot by Rasa's own command)."""
    return [*launcher, "run", "--model", str(model), "--port", str(port), "--cors", "*", "--enable-api",
            "--auth-token", token, "--endpoints", str(endpoints), "--credentials", str(credentials)]


def guichet_bot(workdir: Path) -> Bot:
    """Rasa server, action server and web app of `make run`, on free ports, with the Makefile's environment."""
    if not MODEL.exists():
        raise ProcessError(f"{MODEL} est introuvable : entraînez le modèle (« make train ») ou passez --skip-guichet.")
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    database = workdir / "guichet.db"
    copy_database(DATABASE, database)
    tracker = workdir / "guichet-tracker.db"
    endpoints = write_endpoints(ROOT / "endpoints.yml", workdir / "guichet-endpoints.yml",
                                {"dialect": "sqlite", "db": str(tracker)}, f"http://127.0.0.1:{action_port}/webhook")
    token = os.environ.get("GUICHET_RASA_TOKEN") or uuid.uuid4().hex
    environment = {**os.environ, "GUICHET_DATABASE_URL": f"sqlite:///{database}",
                   "GUICHET_TRACKER_DATABASE_URL": f"sqlite:///{tracker}", "GUICHET_RASA_TOKEN": token,
                   "GUICHET_SESSION_SECRET": os.environ.get("GUICHET_SESSION_SECRET") or uuid.uuid4().hex,
                   "GUICHET_RASA_URL": f"http://127.0.0.1:{rasa_port}", "RASA_TELEMETRY_ENABLED": "false",
                   "TF_CPP_MIN_LOG_LEVEL": "3",
                   # One machine plays every user: the per-client rate limit (30 a minute) would stop it.
                   "GUICHET_RATE_LIMIT": "1000000/minute"}
    logs = workdir / "logs"
    servers = [
        ServerProcess("rasa", f"http://127.0.0.1:{rasa_port}/",
                      rasa_run(rasa_command(BIN / "python"), MODEL, rasa_port, endpoints, ROOT / "credentials.yml",
                               token), environment,
                      logs / "guichet-rasa.log"),
        ServerProcess("actions", f"http://127.0.0.1:{action_port}/health",
                      [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                      environment, logs / "guichet-actions.log"),
        ServerProcess("web", f"http://127.0.0.1:{web_port}/health",
                      [str(BIN / "guichet"), "web", "--host", "127.0.0.1", "--port", str(web_port)], environment,
                      logs / "guichet-web.log"),
    ]
    return Bot("guichet", servers, f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", guichet_conversation,
               guichet_failure)


def bare_bot_model(workdir: Path) -> Path:
    """The bare bot's model: `rasa init --no-prompt` in a temporary directory, trained there the first time, then
    kept under var/bench/bare-bot/rasa-<version> (without Rasa's training cache)."""
    models = sorted((BARE_BOT / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    print(f"bare bot: rasa init --no-prompt and training (once; cached in {BARE_BOT.relative_to(ROOT)})…", flush=True)
    started = time.monotonic()
    log = workdir / "logs" / "bare-bot-init.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="guichet-bare-bot-") as project, log.open("w") as output:
        made = subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", project], cwd=project,
                              env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"},
                              stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, check=False)
        if made.returncode != 0 or not list(Path(project, "models").glob("*.tar.gz")):
            raise ProcessError(f"« rasa init --no-prompt » a échoué (journal : {log}) :\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        partial = BARE_BOT.with_name(f"{BARE_BOT.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(project, partial, ignore=shutil.ignore_patterns(".rasa"))
        partial.rename(BARE_BOT)
    print(f"bare bot: trained in {time.monotonic() - started:.0f} s", flush=True)
    return sorted((BARE_BOT / "models").glob("*.tar.gz"))[-1]


def bare_bot(workdir: Path) -> Bot:
    """The bare bot's Rasa server alone (its project has no custom action), on a free port."""
    model = bare_bot_model(workdir)
    port = free_port()
    endpoints = write_endpoints(BARE_BOT / "endpoints.yml", workdir / "bare-endpoints.yml",
                                {"type": "SQL", "dialect": "sqlite", "db": str(workdir / "bare-tracker.db")}, None)
    environment = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    server = ServerProcess("rasa", f"http://127.0.0.1:{port}/",
                           rasa_run([str(BIN / "rasa")], model, port, endpoints, BARE_BOT / "credentials.yml",
                                    uuid.uuid4().hex),
                           environment, workdir / "logs" / "bare-rasa.log")
    return Bot("bare bot", [server], f"http://127.0.0.1:{port}/webhooks/rest/webhook", bare_conversation)


def answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).is_success
    except httpx.TransportError:
        return False


def start_servers(servers: list[ServerProcess]) -> dict[str, float]:
    """Launch every server at once, then the seconds each took to answer its health check."""
    started = time.monotonic()
    for server in servers:
        server.launch()
    ready: dict[str, float] = {}
    with httpx.Client(timeout=2) as client:  # one client: making one per check costs CPU the servers need
        while len(ready) < len(servers):
            for server in servers:
                if server.name in ready:
                    continue
                if not server.running:
                    raise ProcessError(f"{server.name} s'est arrêté au démarrage (journal : {server.log}) :\n"
                                       f"{server.log_tail()}")
                if answers(client, server.health_url):
                    ready[server.name] = time.monotonic() - started
            if time.monotonic() - started > START_TIMEOUT_SECONDS:
                late = ", ".join(server.name for server in servers if server.name not in ready)
                raise ProcessError(f"{late} n'a pas démarré en {START_TIMEOUT_SECONDS} s (journaux : "
                                   f"{servers[0].log.parent}).")
            time.sleep(0.25)
    return ready


async def turn(client: httpx.AsyncClient, bot: Bot, sender: str, message: str) -> str | None:
    """Send one message; what went wrong, or None when the bot answered."""
    try:
        response = await client.post(bot.webhook_url, json={"sender": sender, "message": message})
    except httpx.HTTPError as error:
        return type(error).__name__
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        replies = response.json()
    except ValueError:
        return "not JSON"
    if not replies:
        return "empty answer"
    return bot.failure(replies)


def latency_ms(latencies: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return 1000 * ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def figures(latencies: list[float], errors: Counter, seconds: float) -> dict:
    return {"turns": len(latencies), "seconds": round(seconds, 2),
            "turns_per_s": len(latencies) / seconds if seconds else 0.0,
            "p50_ms": latency_ms(latencies, 0.50), "p95_ms": latency_ms(latencies, 0.95),
            "errors": sum(errors.values()), "error_kinds": dict(errors), "latencies_s": latencies}


async def closed_loop(bot: Bot, users: int, seconds: float) -> dict:
    """`users` users, each sending its next message as soon as the answer arrives, for `seconds`; turns under
    way at the end are waited for and counted (the time runs until the last one)."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: Counter = Counter()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)

    async def user(client: httpx.AsyncClient, rng: random.Random) -> None:
        while time.monotonic() < deadline:
            sender = f"bench-{uuid.uuid4().hex}"
            for message in bot.conversation(rng):
                if time.monotonic() >= deadline:
                    return
                started = time.perf_counter()
                problem = await turn(client, bot, sender, message)
                latencies.append(time.perf_counter() - started)
                if problem:
                    errors[problem] += 1

    async with httpx.AsyncClient(limits=limits, timeout=TURN_TIMEOUT_SECONDS) as client:
        started = time.perf_counter()
        await asyncio.gather(*(user(client, random.Random()) for _ in range(users)))
        return figures(latencies, errors, time.perf_counter() - started)


def warm_up(bot: Bot) -> float:
    """One whole conversation before timing (a process loads some of what it needs at its first messages); the
    first turn must be answered. Returns the seconds of that first turn."""

    async def conversation() -> list[tuple[str, str | None, float]]:
        sender, said = f"warmup-{uuid.uuid4().hex}", []
        async with httpx.AsyncClient(timeout=TURN_TIMEOUT_SECONDS) as client:
            for message in bot.conversation(random.Random(0)):
                started = time.perf_counter()
                problem = await turn(client, bot, sender, message)
                said.append((message, problem, time.perf_counter() - started))
        return said

    said = asyncio.run(conversation())
    message, problem, seconds = said[0]
    if problem:
        raise ProcessError(f"{bot.name} : le premier message (« {message} ») n'a pas reçu de réponse ({problem}) :\n"
                           f"{bot.servers[0].log_tail()}")
    return seconds


def resident_memory(server: ServerProcess) -> dict:
    """RSS of a server's process and all its children, from /proc (shared pages counted in each process)."""
    if not server.running:
        raise ProcessError(f"{server.name} s'est arrêté pendant la charge (journal : {server.log}) :\n"
                           f"{server.log_tail()}")
    root = psutil.Process(server.process.pid)
    total, count = 0, 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
            count += 1
        except psutil.NoSuchProcess:
            pass
    return {"rss_bytes": total, "processes": count}


def stop_servers(servers: list[ServerProcess]) -> None:
    """Stop every server's process group; Ctrl+C and SIGTERM wait until all are stopped (no orphan left)."""
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        for server in servers:
            server.stop()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def measure(bot: Bot, arguments: argparse.Namespace) -> dict:
    """Start the bot's servers, warm up, run the rounds, keep the load until --memory-after, read the memory,
    stop the servers (also on an error or Ctrl+C)."""
    print(f"\n{bot.name}: starting {', '.join(server.name for server in bot.servers)}…", flush=True)
    try:
        startup = start_servers(bot.servers)
        first_turn = warm_up(bot)
        print(f"{bot.name}: ready after " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in startup.items())
              + f"; first turn {first_turn:.2f} s", flush=True)
        rounds = []
        for index in range(arguments.rounds):
            result = asyncio.run(closed_loop(bot, arguments.users, arguments.duration))
            rounds.append(result)
            print(f"{bot.name}: round {index + 1}/{arguments.rounds}: {result['turns_per_s']:.1f} turns/s, "
                  f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, {result['errors']} errors",
                  flush=True)
        loaded = sum(result["seconds"] for result in rounds)
        held = None
        if arguments.memory_after > loaded:
            print(f"{bot.name}: load held {arguments.memory_after - loaded:.0f} s more before reading the memory…",
                  flush=True)
            held = asyncio.run(closed_loop(bot, arguments.users, arguments.memory_after - loaded))
            loaded += held["seconds"]
        memory = {server.name: resident_memory(server) for server in bot.servers}
    finally:
        stop_servers(bot.servers)
    latencies = [latency for result in rounds for latency in result["latencies_s"]]
    errors = sum((Counter(result["error_kinds"]) for result in rounds), Counter())
    overall = figures(latencies, errors, sum(result["seconds"] for result in rounds))
    for result in [*rounds, overall, *([held] if held else [])]:
        del result["latencies_s"]
    return {"startup_s": startup, "first_turn_s": first_turn, "rounds": rounds, "overall": overall,
            "memory_phase": held, "memory_after_load_s": round(loaded, 1), "memory": memory,
            "memory_total_bytes": sum(entry["rss_bytes"] for entry in memory.values())}


def cell(value: float | None, pattern: str = "{:10.1f}") -> str:
    return pattern.format(value) if value is not None else f"{'-':>10}"


def print_report(results: dict, arguments: argparse.Namespace) -> dict:
    """Side-by-side figures and the targets; returns the targets' verdicts."""
    guichet, bare = results.get("guichet"), results.get("bare_bot")
    print(f"\nThroughput: {arguments.users} users, closed loop (next message as soon as the answer arrives), "
          f"{arguments.rounds} round(s) of {arguments.duration:.0f} s, Rasa {RASA_VERSION}")
    print(f"  {'':26} {'guichet':>10} {'bare bot':>10} {'ratio':>7}")

    def row(label: str, pick: Callable[[dict], float | None], ratio: bool = True, pattern: str = "{:10.1f}") -> None:
        mine, theirs = (pick(side) if side else None for side in (guichet, bare))
        shown = f"{mine / theirs:7.2f}" if ratio and mine is not None and theirs else ""
        print(f"  {label:26} {cell(mine, pattern)} {cell(theirs, pattern)} {shown}".rstrip())

    for index in range(arguments.rounds):
        row(f"round {index + 1} turns/s", lambda side, i=index: side["rounds"][i]["turns_per_s"])
    for key, label, pattern in (("turns_per_s", "turns/s (all rounds)", "{:10.1f}"), ("p50_ms", "p50 ms", "{:10.0f}"),
                                ("p95_ms", "p95 ms", "{:10.0f}"), ("turns", "turns", "{:10d}"),
                                ("errors", "errors", "{:10d}")):
        row(label, lambda side, key=key: side["overall"][key], pattern=pattern)
    for side in (guichet, bare):
        if side and side["overall"]["error_kinds"]:
            print(f"  {'':26} errors ({'guichet' if side is guichet else 'bare bot'}): "
                  + ", ".join(f"{kind} {count}" for kind, count in side["overall"]["error_kinds"].items()))
    for name in ("rasa", "actions", "web"):
        row(f"start-up s, {name}", lambda side, name=name: side["startup_s"].get(name), ratio=False)
    row("first turn s", lambda side: side["first_turn_s"], ratio=False)

    after = max((side["memory_after_load_s"] for side in (guichet, bare) if side), default=0)
    print(f"\nResident memory after {after:.0f} s of load (MB, RSS of each process tree, children included)")
    for name, label in (("rasa", "Rasa server"), ("actions", "action server"), ("web", "web app")):
        row(label, lambda side, name=name: side["memory"][name]["rss_bytes"] / 1e6 if name in side["memory"] else None,
            ratio=False, pattern="{:10.0f}")
    row("total", lambda side: side["memory_total_bytes"] / 1e6, ratio=False, pattern="{:10.0f}")
    for side in (guichet, bare):
        if side and side["memory_phase"] and side["memory_phase"]["errors"]:
            print(f"  errors while the load was held: {side['memory_phase']['error_kinds']}")

    verdicts = targets(guichet, bare)
    print("\nTargets (guichet)" + ("" if verdicts else ": not measured (--skip-guichet)"))
    for label, verdict in verdicts.items():
        print(f"  {label:24} {verdict}")
    return verdicts


def targets(guichet: dict | None, bare: dict | None) -> dict[str, str]:
    if guichet is None:
        return {}
    rate = guichet["overall"]["turns_per_s"]
    memory = guichet["memory_total_bytes"]

    def verdict(ok: bool, figure: str) -> str:
        return f"{figure}: {'met' if ok else 'NOT met'}"

    ratio = (verdict(rate >= TARGET_RATIO * bare["overall"]["turns_per_s"],
                     f"{rate / bare['overall']['turns_per_s']:.2f}x")
             if bare and bare["overall"]["turns_per_s"] else "not measured")
    return {f"≥ {TARGET_TURNS_PER_S} turns/s": verdict(rate >= TARGET_TURNS_PER_S, f"{rate:.1f} turns/s"),
            f"≥ {TARGET_RATIO}× bare bot": ratio,
            f"≤ {TARGET_MEMORY_BYTES / 1e9} GB together": verdict(memory <= TARGET_MEMORY_BYTES,
                                                                 f"{memory / 1e9:.2f} GB")}


def stop_on_sigterm() -> None:
    """SIGTERM ends the run like Ctrl+C does: the `finally` blocks stop the servers' process groups."""
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))


def logs_kept(workdir: Path) -> str:
    """Where the servers' logs stay after a failure (the work folder goes when no server was started)."""
    if (workdir / "logs").exists():
        return f"\n\nJournaux des serveurs : {workdir / 'logs'}"
    shutil.rmtree(workdir, ignore_errors=True)
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=float, default=40, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--memory-after", type=float, default=300,
                        help="seconds of load, rounds included, before reading the memory (0: right after the rounds)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "throughput.json")
    parser.add_argument("--skip-bare", action="store_true", help="guichet only")
    parser.add_argument("--skip-guichet", action="store_true", help="the bare bot only")
    arguments = parser.parse_args()
    if arguments.skip_bare and arguments.skip_guichet:
        parser.error("--skip-bare et --skip-guichet ensemble : il ne reste rien à mesurer.")
    stop_on_sigterm()

    WORK_ROOT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="throughput-", dir=WORK_ROOT))
    results: dict[str, dict] = {}
    try:
        if not arguments.skip_guichet:
            results["guichet"] = measure(guichet_bot(workdir), arguments)
        if not arguments.skip_bare:
            results["bare_bot"] = measure(bare_bot(workdir), arguments)
    except ProcessError as error:
        print(f"\n{error}{logs_kept(workdir)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nInterrompu.{logs_kept(workdir)}", file=sys.stderr)
        return 130
    except BaseException:  # SIGTERM (SystemExit) or a bug: its traceback follows
        print(logs_kept(workdir), file=sys.stderr)
        raise
    verdicts = print_report(results, arguments)
    shutil.rmtree(workdir, ignore_errors=True)
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps({"users": arguments.users, "duration_s": arguments.duration,
                                          "rounds": arguments.rounds, "memory_after_s": arguments.memory_after,
                                          "rasa_version": RASA_VERSION, **results, "targets": verdicts},
                                         indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
