"""Speed of the advisors' quick reference: the server's answer to a search typed in the console.

Prints the median and p95 time of `GET /api/reference/procedures` through the web app (FastAPI, session
cookie, JSON) on the full knowledge base, for the prefixes an advisor types letter by letter, against
the same searches called directly in the library (the baseline: what the HTTP layer adds).
Target: under 50 ms at the median.
Runs on a throw-away SQLite database loaded from knowledge/ (its own advisor account included).
Usage: .venv/bin/python bench/reference.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from assistant.bootstrap import build_services  # noqa: E402
from assistant.config import knowledge_directory  # noqa: E402
from assistant.handoff.advisors import add_advisor  # noqa: E402
from assistant.knowledge.loader import load_knowledge_into_database  # noqa: E402
from assistant.migrations import upgrade_database  # noqa: E402
from assistant.web.app import create_app  # noqa: E402
from assistant.web.rasa_client import RasaClient  # noqa: E402
from assistant.web.reference import QuickReference  # noqa: E402

TARGET_MS = 50
QUERIES = ["carte grise", "déménagement caf", "perte carte vitale", "prime d'activité", "retraite anticipée",
           "passeport", "aide juridictionnelle", "chômage inscription", "déclaration de revenus", "APL étudiant",
           "naissance congé paternité", "handicap AAH", "rsa", "chèque énergie", "MaPrimeRénov'"]
LOGIN = "bench-reference"
PASSWORD = "bench reference password"


def typed_prefixes() -> list[str]:
    """What the console sends as an advisor types each query, letter by letter (from 3 letters)."""
    return [query[:end] for query in QUERIES for end in range(3, len(query) + 1)]


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(share * len(values)))]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        return run(f"sqlite:///{folder}/bench.db")


def run(url: str) -> int:
    services = build_services(url)
    upgrade_database(services.sessions.kw["bind"])
    load_knowledge_into_database(services.sessions, knowledge_directory())
    with services.sessions() as session:
        add_advisor(session=session, login=LOGIN, name="Banc d'essai", password=PASSWORD)
    app = create_app(services, RasaClient("http://127.0.0.1:9", None), session_secret="bench " * 8)
    client = TestClient(app)
    page = client.get("/conseiller/connexion").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/conseiller/connexion", data={"login": LOGIN, "password": PASSWORD, "csrf_token": token})
    reference = QuickReference(services)
    prefixes = typed_prefixes()
    client.get("/api/reference/procedures", params={"q": "warm up"})  # the search index is built once

    timings = {"HTTP (web app)": [], "library": []}
    for prefix in prefixes:
        started = time.perf_counter()
        response = client.get("/api/reference/procedures", params={"q": prefix})
        timings["HTTP (web app)"].append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        started = time.perf_counter()
        reference.search(prefix)
        timings["library"].append((time.perf_counter() - started) * 1000)

    print(f"Quick reference: {len(prefixes)} searches typed letter by letter over "
          f"{len(reference.knowledge.procedures)} procedures")
    medians = {}
    for name, values in timings.items():
        medians[name] = statistics.median(values)
        print(f"  {name:<16} median {medians[name]:6.2f} ms   p95 {percentile(values, 0.95):6.2f} ms")
    print(f"  ratio HTTP / library at the median: {medians['HTTP (web app)'] / medians['library']:.2f}")
    verdict = "met" if medians["HTTP (web app)"] < TARGET_MS else "NOT met"
    print(f"Target median < {TARGET_MS} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
