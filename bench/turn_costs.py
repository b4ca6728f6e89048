"""What two per-turn costs of the Rasa server are, guichet's way against Rasa's own, side by side.

Why: under load the Rasa server is what limits a replica (bench/throughput.py), and two of its costs per turn
are guichet's choices: the tracker store (Rasa's SQL store, which guichet's redacts, with a pooled SQLite
connection, a write-ahead log and the stored-event count remembered) and the check of each action server answer
against Rasa's schema (`assistant/rasa_speedups.py`).
What: 1) 60 conversations of 7 turns, each turn read from the store, given a user message, an action, a bot
answer shaped like guichet's (a text, three procedures with steps, documents and links, three sheets, buttons)
and a slot, then saved; on a SQLite file on var/'s disk, through Rasa's `SQLTrackerStore` and through
`RedactingSQLTrackerStore`; wall and CPU time per turn. 2) One such answer with five events checked by Rasa's
way (jsonschema, the whole schema with its 23 `oneOf` sub-schemas) and by `ActionResponseCheck`.
Usage: .venv/bin/python bench/turn_costs.py [--conversations 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up notices, imported by Rasa

from jsonschema.validators import validator_for  # noqa: E402
from rasa.core.actions.action import RemoteAction  # noqa: E402
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered  # noqa: E402

from assistant import rasa_speedups  # noqa: E402
from assistant.privacy.tracker_store import RedactingSQLTrackerStore  # noqa: E402

TURNS = 7
RANKING = [{"name": f"topic_{index}", "confidence": round(0.9 - index / 20, 2)} for index in range(10)]
SHEET = {"id": "F11193", "title": "Changement d'adresse", "type": "fiche", "updated": "2020-11-12",
         "url": "https://www.service-public.gouv.fr/particuliers/vosdroits/F11193"}
ANSWER = {"custom": {
    "type": "procedures", "text": "Voici les démarches à faire quand on déménage, partenaire par partenaire.",
    "procedures": [{"id": f"procedure-{index}", "partner": "caf", "title": "Déclarer son changement d'adresse",
                    "steps": ["Se connecter à son espace personnel sur le site du partenaire."] * 5,
                    "documents": ["Un justificatif de domicile de moins de trois mois"] * 3,
                    "links": [{"title": "Fiche officielle", "url": SHEET["url"]}], "reviewed": "2026-11-30"}
                   for index in range(3)],
    "sheets": [SHEET] * 3,
    "buttons": [{"title": "Quels papiers ?", "payload": "/ask_documents"}] * 3}}


async def one_turn(store: TrackerStore, sender: str, turn: int) -> None:
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered(f"je déménage le {turn} qui dois-je prévenir", intent=RANKING[0],
                               parse_data={"intent": RANKING[0], "intent_ranking": RANKING, "entities": [],
                                           "text": f"je déménage le {turn} qui dois-je prévenir"}))
    tracker.update(ActionExecuted("action_answer_topic"))
    tracker.update(BotUttered(ANSWER["custom"]["text"], data=ANSWER))
    tracker.update(SlotSet("topic", "demenagement"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


async def time_store(store: TrackerStore, conversations: int) -> tuple[float, float]:
    for warm_up in range(10):
        await one_turn(store, f"warm-up-{warm_up}", 0)
    wall, cpu = time.perf_counter(), time.process_time()
    for conversation in range(conversations):
        for turn in range(TURNS):
            await one_turn(store, f"conversation-{conversation}", turn)
    turns = conversations * TURNS
    return (time.perf_counter() - wall) / turns * 1000, (time.process_time() - cpu) / turns * 1000


def action_answer() -> dict:
    events = [SlotSet(name, "demenagement").as_dict() for name in ("topic", "partner", "last_topic")]
    events += [{"event": "followup", "name": "action_listen", "timestamp": None}, {"event": "reset_slots"}]
    return {"events": events, "responses": [{"text": ANSWER["custom"]["text"], "custom": ANSWER["custom"]}]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=60)
    arguments = parser.parse_args()
    rasa_speedups.install()  # both stores read events back as the running server does
    domain = Domain.load(str(ROOT / "domain.yml"))
    (ROOT / "var").mkdir(exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as work:
        for name, store_class in (("Rasa's SQLTrackerStore", SQLTrackerStore),
                                  ("guichet's RedactingSQLTrackerStore", RedactingSQLTrackerStore)):
            store = store_class(domain=domain, dialect="sqlite", db=str(Path(work) / f"{store_class.__name__}.db"))
            rows.append((name, *asyncio.run(time_store(store, arguments.conversations))))
            store.engine.dispose()
    print(f"Tracker store, {arguments.conversations} conversations of {TURNS} turns (read, 5 events, save)")
    for name, wall, cpu in rows:
        print(f"  {name:36s} {wall:6.2f} ms wall  {cpu:6.2f} ms CPU per turn")
    print(f"  ratio guichet / Rasa              {rows[1][1] / rows[0][1]:6.2f}")

    answer = action_answer()
    schema = RemoteAction.action_response_format_spec()
    whole = validator_for(schema)(schema)
    check = rasa_speedups.ActionResponseCheck(schema)
    assert whole.is_valid(answer) and check.is_valid(answer)
    timings = [(name, min(timeit.repeat(validate, number=200, repeat=5)) / 200 * 1000)
               for name, validate in (("jsonschema, whole schema", lambda: whole.is_valid(answer)),
                                      ("ActionResponseCheck", lambda: check.is_valid(answer)))]
    print("\nAction server answer checked against Rasa's schema (5 events, one answer)")
    for name, milliseconds in timings:
        print(f"  {name:36s} {milliseconds:6.3f} ms")
    print(f"  ratio                               {timings[1][1] / timings[0][1]:6.3f}")


if __name__ == "__main__":
    main()
