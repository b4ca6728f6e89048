"""Judging the answers to the location evaluation set (bench/data/locations_eval.yml), for bench/structures.py.

A message is right when the place is resolved as the set expects AND, for a place, the 3 structures shown
are the 3 truly nearest to the point the answer says it measures from: the payload's `location` (commune,
INSEE code, latitude, longitude) must be that commune's own point, the text must name it, and the structures
are checked by brute force over the official list read straight from its CSV (not through the importer or
the index under test). Ties (structures sharing an address) are accepted in any order.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.geo.resolver import Location, LocationResolver
from assistant.structures.answers import StructuresReply

EARTH_RADIUS_KM = 6371.0088
TIE_KM = 1e-6
NEAREST_COUNT = 3


@dataclass(frozen=True)
class OfficialStructure:
    id: str
    department: str
    latitude: float
    longitude: float


@dataclass
class Verdict:
    text: str
    category: str
    right: bool
    why: str = ""


def read_official_list(path: Path) -> list[OfficialStructure]:
    """The ANCT list as published (commas or semicolons, with or without a BOM)."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        sample = file.readline()
        file.seek(0)
        reader = csv.DictReader(file, delimiter=";" if sample.count(";") > sample.count(",") else ",")
        return [OfficialStructure(row["id_fs"].strip(), row["insee_dep"].strip(), float(row["latitude"]),
                                  float(row["longitude"])) for row in reader]


def read_messages(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


def haversine_km(latitude1: float, longitude1: float, latitude2: float, longitude2: float) -> float:
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(longitude2 - longitude1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def truly_nearest_ok(official: list[OfficialStructure], latitude: float, longitude: float,
                     shown_ids: list[str]) -> tuple[bool, str]:
    """Whether the shown structures are the 3 nearest of the whole list to the point (ties in any order)."""
    distances = {s.id: haversine_km(latitude, longitude, s.latitude, s.longitude) for s in official}
    ranked = sorted(distances.values())
    if len(shown_ids) != NEAREST_COUNT or len(set(shown_ids)) != NEAREST_COUNT:
        return False, f"{len(shown_ids)} structures montrées"
    unknown = [i for i in shown_ids if i not in distances]
    if unknown:
        return False, f"structures absentes de la liste officielle : {unknown}"
    third = ranked[NEAREST_COUNT - 1]
    farther = [i for i in shown_ids if distances[i] > third + TIE_KM]
    if farther:
        return False, (f"pas les plus proches : {[round(distances[i], 1) for i in shown_ids]} km "
                       f"au lieu de {[round(d, 1) for d in ranked[:NEAREST_COUNT]]}")
    return True, ""


def judge(message: dict, location: Location, reply: StructuresReply, resolver: LocationResolver,
          official: list[OfficialStructure]) -> Verdict:
    payload = reply.payload
    structures = payload.get("structures") or []
    shown_place = payload.get("location")

    def verdict(right: bool, why: str = "") -> Verdict:
        return Verdict(message["text"], message["category"], right, "" if right else why)

    got = f"{location.status}: {[c.insee + ' ' + c.name for c in location.communes][:4]}"
    asked = not structures and shown_place is None
    if "or_ambiguous" in message and location.status == "ambiguous":
        offered = {c.insee for c in reply.commune_choices}
        missing = set(message["or_ambiguous"]) - offered
        return verdict(asked and not missing, f"{got}; choix sans {sorted(missing)}")
    if "insee" in message:
        if not location.is_place or not shown_place:
            return verdict(False, got)
        if shown_place.get("insee") not in message["insee"]:
            return verdict(False, f"{got}; annonce {shown_place.get('insee')} {shown_place.get('commune')}")
        commune = resolver.directory.by_insee(shown_place["insee"])
        latitude, longitude = shown_place["lat"], shown_place["lon"]
        if commune is None or haversine_km(latitude, longitude, commune.latitude, commune.longitude) > 0.01:
            return verdict(False, f"mesure depuis ({latitude}, {longitude}), pas depuis {shown_place['commune']}")
        if shown_place["commune"] not in reply.text:
            return verdict(False, f"le texte ne nomme pas {shown_place['commune']}")
        right, why = truly_nearest_ok(official, latitude, longitude, [s["id"] for s in structures])
        return verdict(right, why)
    if "department" in message:
        if location.status != "department" or not shown_place:
            return verdict(False, got)
        if shown_place.get("department") != message["department"]:
            return verdict(False, f"département {shown_place.get('department')}")
        departments = {s.id: s.department for s in official}
        wrong = [s["id"] for s in structures if departments.get(s["id"]) != message["department"]]
        return verdict(bool(structures) and not wrong, f"{len(structures)} structures, hors département : {wrong}")
    if "ambiguous" in message:
        offered = {c.insee for c in reply.commune_choices}
        missing = set(message["ambiguous"]) - offered
        return verdict(location.status == "ambiguous" and asked and not missing,
                       f"{got}; choix sans {sorted(missing)}")
    expected_status = {"outside": {"outside_network", "outside_france"}, "missing": {"missing"},
                       "unknown": {"not_found"}}
    for key, statuses in expected_status.items():
        if message.get(key):
            return verdict(location.status in statuses and asked, got)
    raise ValueError(f"message sans résultat attendu : {message}")


def accuracy_by_category(verdicts: list[Verdict]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict in verdicts:
        counts[verdict.category][0] += verdict.right
        counts[verdict.category][1] += 1
    return {category: (right, total) for category, (right, total) in counts.items()}


def evaluate(messages: list[dict], answer: Callable[[str], tuple[Location, StructuresReply]],
             resolver: LocationResolver, official: list[OfficialStructure]) -> list[Verdict]:
    verdicts = []
    for message in messages:
        location, reply = answer(message["text"])
        verdicts.append(judge(message, location, reply, resolver, official))
    return verdicts
