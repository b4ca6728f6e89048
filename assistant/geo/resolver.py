"""Understanding where the user is, from what they type or the position their browser shares.

A postcode may cover several communes (all are kept); a commune name is matched loosely (rapidfuzz:
no accents, "st" for "saint", typos); homonyms are settled by a département given in the message,
else returned as candidates to ask about; a département number alone selects the département.
A shared position is placed in France (or not) and named after its nearest commune.

What the conversation keeps between turns is a *location query*: the words typed, `insee:<code>`
(a commune chosen with a button) or `position:<lat>,<lon>` (the browser's position); `resolve`
reads all three.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.neighbors import BallTree

from assistant.geo.communes import Commune, CommuneDirectory, Department
from assistant.text import fold

INSEE_PREFIX = "insee:"
POSITION_PREFIX = "position:"
NAME_MIN_SCORE = 85
MAX_NAME_WORDS = 8
# Mainland France with Corsica, then the overseas départements and Saint-Martin / Saint-Barthélemy.
FRANCE_BOXES = (
    (41.2, 51.2, -5.3, 9.7),  # (south, north, west, east)
    (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
    (14.3, 14.9, -61.3, -60.7),  # Martinique
    (2.0, 5.9, -54.7, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 55.9),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    (17.8, 18.2, -63.2, -62.7),  # Saint-Martin, Saint-Barthélemy
)
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_DEPARTMENT = re.compile(
    r"(?:\b(?:departement|dept|dpt|dep|dans le|du)\s+|^\s*)(2a|2b|97[1-6]|\d{2})(?:\s*$|\b)"
)
_TRAILING_DEPARTMENT = re.compile(r"\b(2a|2b|97[1-6]|\d{2})\s*\)?\s*$")
_FILLER = re.compile(
    r"\b(?:non|oui|je|j|voulais|veux|voudrais|dire|plutot|pardon|en fait|cherche|trouver|trouve|une?|la|le|les|"
    r"l|des|plus|proche|proches|pres|de|du|d|a|au|aux|sur|vers|dans|ma|mon|commune|ville|village|habite|"
    r"suis|sommes|svp|stp|merci|bonjour|france|services?|fs|espace|espaces|maison|maisons|mfs|structure|"
    r"structures|guichet|ou|est|il|y|en|a cote|cote|quelle|quel|c|est ce|qu|autour|secteur|region|"
    r"departement|dept|dep|code|postal|cp|position|partage|partagee|voici|utilise|ici)\b"
)


@dataclass
class Location:
    """What the user's words or position resolved to.

    status: "found" (communes, possibly several sharing a postcode), "department", "coordinates",
    "ambiguous" (homonyms: ask which), "not_found", "outside_france", or "missing" (no place named:
    "la France Services la plus proche").
    """

    status: str
    communes: list[Commune] = field(default_factory=list)
    department: Department | None = None
    latitude: float | None = None
    longitude: float | None = None
    query: str = ""

    @property
    def is_place(self) -> bool:
        """A commune (or a shared position) to search around, rather than a département or a question."""
        return self.status in ("found", "coordinates")

    @property
    def points(self) -> list[tuple[float, float]]:
        if self.latitude is not None and self.longitude is not None:
            return [(self.latitude, self.longitude)]
        return [(commune.latitude, commune.longitude) for commune in self.communes]


def position_query(latitude: float, longitude: float) -> str:
    """The query of a shared position, rounded to 3 decimals (about 100 m): enough to find the nearest
    structures and tell their distance to a tenth of a kilometre, not enough to point at a home in the
    `location` slot that the tracker store keeps."""
    return f"{POSITION_PREFIX}{latitude:.3f},{longitude:.3f}"


def commune_query(commune: Commune) -> str:
    return f"{INSEE_PREFIX}{commune.insee}"


def in_france(latitude: float, longitude: float) -> bool:
    return any(south <= latitude <= north and west <= longitude <= east
               for south, north, west, east in FRANCE_BOXES)


def name_key(name: str) -> str:
    """The form names are compared in: folded, "saint"/"sainte" written "st"/"ste"."""
    words = fold(name).split()
    return " ".join({"saint": "st", "sainte": "ste"}.get(word, word) for word in words)


class LocationResolver:
    def __init__(self, directory: CommuneDirectory):
        self.directory = directory
        self._by_key: dict[str, list[Commune]] = {}
        for commune in directory.communes:
            self._by_key.setdefault(name_key(commune.name), []).append(commune)
        self._keys = list(self._by_key)
        self._sorted_keys = sorted(self._keys)

    def resolve(self, query: str) -> Location:
        """A location query: `insee:<code>`, `position:<lat>,<lon>`, or what the user typed."""
        if query.startswith(INSEE_PREFIX):
            commune = self.directory.by_insee(query[len(INSEE_PREFIX) :].strip())
            return Location("found", communes=[commune], query=query) if commune else Location("not_found", query=query)
        if query.startswith(POSITION_PREFIX):
            try:
                latitude, longitude = (float(part) for part in query[len(POSITION_PREFIX) :].split(","))
            except ValueError:
                return Location("not_found", query=query)
            return self.resolve_coordinates(latitude, longitude)
        return self.resolve_text(query)

    def resolve_coordinates(self, latitude: float, longitude: float) -> Location:
        """A position in France, with the commune whose point is nearest (to name the place)."""
        if not in_france(latitude, longitude):
            return Location("outside_france", latitude=latitude, longitude=longitude,
                            query=position_query(latitude, longitude))
        _, indexes = self._commune_tree.query(np.radians([[latitude, longitude]]), k=1)
        return Location("coordinates", communes=[self._located_communes[int(indexes[0][0])]], latitude=latitude,
                        longitude=longitude, query=position_query(latitude, longitude))

    @cached_property
    def _located_communes(self) -> list[Commune]:
        return [c for c in self.directory.communes if c.is_commune]

    @cached_property
    def _commune_tree(self) -> BallTree:
        points = [[c.latitude, c.longitude] for c in self._located_communes]
        return BallTree(np.radians(points), metric="haversine")

    def resolve_text(self, text: str) -> Location:
        folded = fold(text)
        postcode = _POSTCODE.search(folded)
        if postcode:
            return self._from_postcode(postcode.group(1), text)
        department_only = _DEPARTMENT.search(folded)
        if department_only and not _FILLER.sub(" ", folded.replace(department_only.group(1), " ")).strip():
            department = self.directory.departments.get(department_only.group(1).upper())
            if department:
                return Location("department", department=department, query=text)
        return self._from_name(folded, text)

    def _from_postcode(self, code: str, text: str) -> Location:
        communes = self.directory.by_postcode(code)
        if communes:
            return Location("found", communes=communes, query=text)
        commune = self.directory.by_insee(code)
        return Location("found", communes=[commune], query=text) if commune else Location("not_found", query=text)

    def _from_name(self, folded: str, text: str) -> Location:
        department_hint = _TRAILING_DEPARTMENT.search(folded)
        department = self.directory.departments.get(department_hint.group(1).upper()) if department_hint else None
        if department_hint:
            folded = folded[: department_hint.start()]
        words = name_key(_FILLER.sub(" ", folded)).split()[:MAX_NAME_WORDS]
        if not words:
            return Location("missing", query=text)
        # The longest run of words that names a commune, the closest one among runs of that length:
        # "aller a la mairie de coulommiers" → "coulommiers" rather than "aller" ≈ Allery.
        for size in range(len(words), 0, -1):
            matches = []
            for start in range(len(words) - size + 1):
                query = " ".join(words[start : start + size])
                keys = self._matching_keys(query)
                if keys:
                    matches.append((fuzz.ratio(query, keys[0]), keys))
            if matches:
                return self._location(max(matches, key=lambda match: match[0])[1], department, text)
        return Location("not_found", query=text)

    def _matching_keys(self, query: str) -> list[str]:
        """Names containing every word of the query (typos tolerated on words of 5 letters or more), best first.

        An exact name skips fuzzy matching; only the longer names it starts ("montereau fault yonne")
        are added, found by bisection in the sorted names.
        """
        if len(query.replace(" ", "")) < 3:
            return []
        if query in self._by_key:
            start = bisect.bisect_left(self._sorted_keys, query + " ")
            longer = itertools.takewhile(lambda key: key.startswith(query + " "), self._sorted_keys[start:])
            return [query, *sorted(longer, key=lambda key: -self._population(key))]
        tokens = set(query.split())
        candidates = process.extract(query, self._keys, scorer=fuzz.token_set_ratio, limit=50,
                                     score_cutoff=NAME_MIN_SCORE)
        covering = [key for key, _, _ in candidates if _covers(tokens, key.split())]
        return sorted(covering, key=lambda key: (-fuzz.ratio(query, key), -self._population(key)))

    def _location(self, keys: list[str], department: Department | None, text: str) -> Location:
        """The best name's communes; a longer, more populated name is offered too ("Montereau" → -Fault-Yonne)."""
        best = keys[0]
        homonyms = [c for c in self._by_key[best] if c.is_commune] or list(self._by_key[best])
        if department is not None:
            homonyms = [c for c in homonyms if c.department == department.code] or homonyms
        communes = _spelled_as_typed(homonyms, text)
        largest = max(c.population or 0 for c in communes)
        for key in keys[1:]:
            if key.startswith(best + " "):
                communes += [c for c in self._by_key[key] if c.is_commune and (c.population or 0) > largest]
        if department is not None:
            communes = [c for c in communes if c.department == department.code] or communes
        communes.sort(key=lambda c: -(c.population or 0))
        return Location("ambiguous" if len(communes) > 1 else "found", communes=communes, department=department,
                        query=text)

    def _population(self, key: str) -> int:
        return max(commune.population or 0 for commune in self._by_key[key])


def _spelled_as_typed(homonyms: list[Commune], text: str) -> list[Commune]:
    """Names that differ only by accents ("Lure", "Luré"): keep the one spelled exactly as typed, if one is."""
    if len({commune.name for commune in homonyms}) < 2:
        return homonyms
    typed = text.lower()
    spelled = [c for c in homonyms if re.search(rf"(?<!\w){re.escape(c.name.lower())}(?!\w)", typed)]
    return spelled if len(spelled) == 1 else homonyms


def _covers(query_tokens: set[str], name_tokens: list[str]) -> bool:
    return all(
        any(token == word or (len(token) >= 5 and fuzz.ratio(token, word) >= NAME_MIN_SCORE) for word in name_tokens)
        for token in query_tokens
    )
