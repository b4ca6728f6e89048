"""Understanding where the user is, from what they type or the position their browser shares.

What people type is a request with a place inside: « y a-t-il un bus France Services qui passe près de chez moi
à Remiremont », « trouver un conseiller près de 77120 », « Saint-Denis de la Réunion », « dans la Creuse ».
The resolver reads it in this order:
- a postcode: the commune named next to it if it is one of the postcode's communes, else the postcode's most
  populated commune, the one distances are measured from (the others are kept to be offered);
- a territory without France Services or another country (assistant/geo/elsewhere.py): say so;
- the runs of words that name a commune (assistant/geo/names.py): the longest run, then the best match; the
  words of the request (assistant/geo/words.py) never make a place on their own but stay inside names, so
  « Fort-de-France » and « Maisons-Alfort » survive; homonyms are settled by a département or territory
  named in the message (« 93 », « dans le Jura », « en Martinique », « aux Antilles »), else asked about;
- a département alone (« dans le 77 », « en Haute-Savoie »), when no commune is named beside it.
A shared position is placed in France (or not) and named after its nearest commune.

What the conversation keeps between turns is a *location query*: the words typed, `insee:<code>`
(a commune chosen with a button) or `position:<lat>,<lon>` (the browser's position); `resolve`
reads all three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sklearn.neighbors import BallTree

from assistant.geo.communes import Commune, CommuneDirectory, Department
from assistant.geo.elsewhere import ABROAD, OUTSIDE_NETWORK, TERRITORY_NAMES, outside_postcode
from assistant.geo.names import EXACT, FUZZY, NameIndex, NameMatch
from assistant.geo.words import (
    CONNECTORS,
    DEPARTMENT_MARKERS,
    DEPARTMENT_NUMBER_MARKERS,
    FILLER,
    LOCATIVES,
    NAME_STARTS_ONLY,
)
from assistant.text import fold

INSEE_PREFIX = "insee:"
POSITION_PREFIX = "position:"
MAX_NAME_WORDS = 6
MAX_WORDS = 60
MAX_CHOICES = 10
# A commune this many times as populated as all the others a partial or misspelt name may mean is the one meant.
DOMINANT_RATIO = 10
# Mainland France with Corsica, the overseas départements, Saint-Martin / Saint-Barthélemy, Saint-Pierre-et-Miquelon.
FRANCE_BOXES = (
    (41.2, 51.2, -5.3, 9.7),  # (south, north, west, east)
    (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
    (14.3, 14.9, -61.3, -60.7),  # Martinique
    (2.0, 5.9, -54.7, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 55.9),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    (17.8, 18.2, -63.2, -62.7),  # Saint-Martin, Saint-Barthélemy
    (46.7, 47.2, -56.5, -56.1),  # Saint-Pierre-et-Miquelon
)
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_DEPARTMENT_NUMBER = re.compile(r"^(?:\d{2}|2a|2b|97[1-8])$")
# Words that place a homonym in a group of territories: « Saint-Barthélemy aux Antilles ».
ARTICLES = frozenset({"la", "le", "les", "l"})
_LONG_FILLERS = sorted(word for word in FILLER if len(word) >= 5)
LOCATIVE_MARKERS = [(word,) for word in LOCATIVES]
TERRITORY_HINTS = {"antilles": {"971", "972", "977", "978"}, "corse": {"2A", "2B"},
                   "guadeloupe": {"971"}, "martinique": {"972"}, "guyane": {"973"}, "mayotte": {"976"}}


@dataclass
class Location:
    """What the user's words or position resolved to.

    status: "found" (one commune), "department", "coordinates", "ambiguous" (homonyms: ask which),
    "not_found", "outside_france" (abroad), "outside_network" (a French territory without France Services:
    `territory` says where, « à Saint-Barthélemy ») or "missing" (no place named: "la France Services la plus
    proche"). A postcode's communes are all kept (`postcode_communes`); the first of `communes` is the one
    distances are measured from.
    `named` says the words plainly name the place (a postcode, a name after « à » or an exact name on its own,
    a département after « dans le »): enough to answer a message the NLU did not read as a search. It is never
    set for "not_found" nor "missing".
    """

    status: str
    communes: list[Commune] = field(default_factory=list)
    department: Department | None = None
    latitude: float | None = None
    longitude: float | None = None
    query: str = ""
    postcode: str | None = None
    postcode_communes: list[Commune] = field(default_factory=list)
    territory: str | None = None
    named: bool = False

    @property
    def is_place(self) -> bool:
        """A commune (or a shared position) to search around, rather than a département or a question."""
        return self.status in ("found", "coordinates")

    @property
    def points(self) -> list[tuple[float, float]]:
        """The one point distances are measured from: the shared position, else the commune's point."""
        if self.latitude is not None and self.longitude is not None:
            return [(self.latitude, self.longitude)]
        return [(commune.latitude, commune.longitude) for commune in self.communes[:1]]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start

    def overlaps(self, other: _Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class _DepartmentMention:
    span: _Span
    code: str
    marked: bool  # « dans la Creuse », « en Mayenne », « le 77 »


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


def _department_key(name: str) -> str:
    """« La Réunion » → « reunion »: people write the article or not, and the message's own words say which."""
    words = name_key(name).split()
    return " ".join(words[1:] if len(words) > 1 and words[0] in ("la", "le", "les", "l") else words)


def _preceded_by(words: Sequence[str], start: int, markers: Sequence[tuple[str, ...]]) -> bool:
    return any(tuple(words[max(0, start - len(marker)) : start]) == marker for marker in markers)


def _in_sequence(needle: Sequence[str], words: Sequence[str]) -> bool:
    size = len(needle)
    return any(list(words[i : i + size]) == list(needle) for i in range(len(words) - size + 1))


class LocationResolver:
    def __init__(self, directory: CommuneDirectory):
        self.directory = directory
        self._by_key: dict[str, list[Commune]] = {}
        for commune in directory.communes:
            self._by_key.setdefault(name_key(commune.name), []).append(commune)
        self.names = NameIndex(self._by_key, self._population)
        self._department_keys = {_department_key(d.name): d.code for d in directory.departments.values()}
        self._outside_names = {**{name: code for name, code in TERRITORY_NAMES.items()},
                               **{name: "" for name in ABROAD}}

    def resolve(self, query: str) -> Location:
        """A location query: `insee:<code>`, `position:<lat>,<lon>`, or what the user typed."""
        if query.startswith(INSEE_PREFIX):
            commune = self.directory.by_insee(query[len(INSEE_PREFIX) :].strip())
            if commune is None:
                return Location("not_found", query=query)
            return self._found(commune, query=query, named=True)
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
                            query=position_query(latitude, longitude), named=True)
        _, indexes = self._commune_tree.query(np.radians([[latitude, longitude]]), k=1)
        commune = self._located_communes[int(indexes[0][0])]
        if commune.department in OUTSIDE_NETWORK:
            return Location("outside_network", communes=[commune], territory=OUTSIDE_NETWORK[commune.department],
                            query=position_query(latitude, longitude), named=True)
        return Location("coordinates", communes=[commune], latitude=latitude, longitude=longitude,
                        query=position_query(latitude, longitude), named=True)

    @cached_property
    def _located_communes(self) -> list[Commune]:
        return [c for c in self.directory.communes if c.is_commune]

    @cached_property
    def _commune_tree(self) -> BallTree:
        points = [[c.latitude, c.longitude] for c in self._located_communes]
        return BallTree(np.radians(points), metric="haversine")

    # --- what the user typed --------------------------------------------------------------------------

    def resolve_text(self, text: str) -> Location:
        folded = fold(text)
        postcode = _POSTCODE.search(folded)
        words = name_key(folded).split()
        if len(words) > MAX_WORDS:  # a long story: the place is named near its start or its end
            words = words[: MAX_WORDS // 2] + words[-MAX_WORDS // 2 :]
        if postcode:
            return self._from_postcode(postcode.group(1), words, text)
        outside = self._outside(words, text)
        if outside is not None:
            return outside
        matches = self._name_matches(words)
        mentions = self._department_mentions(words, matches)
        # A département that wins its words (« en Haute-Savoie », « dans la Creuse ») is no commune name.
        taken = [m.span for m in mentions if self._department_wins(m, matches)]
        candidates = {span: match for span, match in matches.items() if not any(span.overlaps(t) for t in taken)}
        hints = {m.code for m in mentions} | {code for word in words for code in TERRITORY_HINTS.get(word, ())}
        if candidates:
            span, match = max(candidates.items(), key=lambda item: self._rank(words, *item))
            after_locative = _preceded_by(words, span.start, LOCATIVE_MARKERS)
            # « liste des France services des Vosges »: a misspelt word is no commune beside a département.
            if match.quality > FUZZY or after_locative or not any(m.marked for m in mentions):
                around = [w for i, w in enumerate(words) if not span.start <= i < span.end
                          and not any(m.span.start <= i < m.span.end for m in mentions) and w not in TERRITORY_HINTS]
                # « à Lure », « je suis à Brive », the name alone (« La Trinité », « lons le saulnier », « Valence
                # dans la Drôme »): not « mon forfait Orange » nor « c'est nice ».
                plain = match.quality == EXACT or (match.whole and span.size > 1)
                only_fillers = all(self._is_filler(w) for w in around)
                alone = plain and (all(w in ARTICLES for w in around) or (bool(mentions) and only_fillers))
                named = alone or (after_locative and only_fillers)
                return self._from_name(match, hints, text, named)
        if mentions:
            mention = max(mentions, key=lambda m: (m.marked, m.span.size, m.span.start))
            department = self.directory.departments[mention.code]
            if department.code in OUTSIDE_NETWORK:
                return Location("outside_network", territory=OUTSIDE_NETWORK[department.code], query=text, named=True)
            leftover = [w for i, w in enumerate(words)
                        if w not in FILLER and not mention.span.start <= i < mention.span.end]
            return Location("department", department=department, query=text, named=mention.marked or not leftover)
        if not all(self._is_filler(word) for word in words):
            return Location("not_found", query=text)
        return Location("missing", query=text)

    def _from_postcode(self, code: str, words: list[str], text: str) -> Location:
        territory = outside_postcode(code)
        if territory == "":
            return Location("outside_france", query=text, postcode=code, named=True)
        if territory is not None:
            return Location("outside_network", territory=OUTSIDE_NETWORK[territory], query=text, postcode=code,
                            named=True)
        communes = self.directory.by_postcode(code)
        if not communes:
            commune = self.directory.by_insee(code)  # an INSEE code typed as such
            return self._found(commune, query=text, named=True) if commune else Location("not_found", query=text)
        # « 70200 Lure »: the commune named; else the most populated, the others kept to be offered.
        typed = [c for c in communes if _in_sequence(name_key(c.name).split(), words)]
        if typed:
            chosen = max(typed, key=lambda c: len(c.name))
            return Location("found", communes=[chosen], query=text, postcode=code, postcode_communes=[chosen],
                            named=True)
        return Location("found", communes=communes[:1], query=text, postcode=code, postcode_communes=communes,
                        named=True)

    def _outside(self, words: list[str], text: str) -> Location | None:
        for size in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                code = self._outside_names.get(" ".join(words[start : start + size]))
                if code == "":
                    return Location("outside_france", query=text, named=True)
                if code is not None:
                    return Location("outside_network", territory=OUTSIDE_NETWORK[code], query=text, named=True)
        return None

    def _name_matches(self, words: list[str]) -> dict[_Span, NameMatch]:
        """Every run of words that names a commune, with its match: a run starts and ends on a word that can
        begin or end a name, and holds at least one word that is not a request's."""
        matches = {}
        for start, first in enumerate(words):
            if first in CONNECTORS:
                continue
            for end in range(start + 1, min(len(words), start + MAX_NAME_WORDS) + 1):
                run = words[start:end]
                if run[-1] in CONNECTORS or run[-1] in NAME_STARTS_ONLY or all(self._is_filler(w) for w in run):
                    continue
                if any(_DEPARTMENT_NUMBER.match(w) for w in run):
                    continue
                match = self.names.match(run)
                if match is not None:
                    matches[_Span(start, end)] = match
        return matches

    def _department_mentions(self, words: list[str], matches: dict[_Span, NameMatch]) -> list[_DepartmentMention]:
        mentions = []
        for start, word in enumerate(words):
            if _DEPARTMENT_NUMBER.match(word) and word.upper() in self.directory.departments:
                marked = _preceded_by(words, start, DEPARTMENT_NUMBER_MARKERS) or len(words) == 1
                mentions.append(_DepartmentMention(_Span(start, start + 1), word.upper(), marked))
            for end in range(start + 1, min(len(words), start + MAX_NAME_WORDS) + 1):
                code = self._department_keys.get(" ".join(words[start:end]))
                if code is not None:
                    marked = _preceded_by(words, start, DEPARTMENT_MARKERS)
                    mentions.append(_DepartmentMention(_Span(start, end), code, marked))
        return mentions

    def _is_filler(self, word: str) -> bool:
        """A word of a request, even misspelt (« frnace sevices »), unless it is a word of a name (« vitre »,
        one letter from « vivre », is Vitré's)."""
        return word in FILLER or (len(word) >= 5 and not self.names.has_word(word) and _misspelt_filler(word))

    @staticmethod
    def _department_wins(mention: _DepartmentMention, matches: dict[_Span, NameMatch]) -> bool:
        """A département's name is read as the département unless a longer commune name holds it
        (« Saint-Dié-des-Vosges »), or a commune bears exactly that name and no « dans la » / « en » comes
        before it (« Vienne » alone is the town)."""
        for span, match in matches.items():
            if not span.overlaps(mention.span):
                continue
            if span.size > mention.span.size:
                return False
            if span == mention.span and match.quality == EXACT and not mention.marked:
                return False
        return True

    @staticmethod
    def _rank(words: list[str], span: _Span, match: NameMatch) -> tuple:
        """Longest run first, then the better match, then a run after « à », « près de »…, then the later one."""
        after_locative = _preceded_by(words, span.start, LOCATIVE_MARKERS)
        return span.size, match.quality, after_locative, -match.distance, span.start

    def _from_name(self, match: NameMatch, hints: set[str], text: str, named: bool) -> Location:
        if match.quality == EXACT:
            communes = _spelled_as_typed(_in_departments(self._homonyms(match.keys[0]), hints), text)
            largest = max(c.population or 0 for c in communes)
            # A longer, more populated name is offered too (« Montereau » → Montereau-Fault-Yonne).
            communes += [c for key in match.keys[1:] for c in self._homonyms(key) if (c.population or 0) > largest]
        else:
            communes = [c for key in match.keys for c in self._homonyms(key)]
        communes = _in_departments(_deduplicated(communes), hints)
        if match.quality != EXACT:
            communes = _dominant(communes)
        communes.sort(key=lambda c: -(c.population or 0))
        if len(communes) > 1:
            return Location("ambiguous", communes=communes[:MAX_CHOICES], query=text, named=named)
        return self._found(communes[0], query=text, named=named)

    def _found(self, commune: Commune, *, query: str, named: bool) -> Location:
        if commune.department in OUTSIDE_NETWORK:
            return Location("outside_network", communes=[commune], territory=OUTSIDE_NETWORK[commune.department],
                            query=query, named=named)
        return Location("found", communes=[commune], query=query, named=named)

    def _homonyms(self, key: str) -> list[Commune]:
        """The communes of a name, then the delegated or associated communes and arrondissements of that name
        that are no commune's (« Vire » is Vire Normandie's heart; « Saint-Denis » the commune déléguée has the
        commune's own code)."""
        named = self._by_key.get(key, [])
        communes = [c for c in named if c.is_commune]
        codes = {c.insee for c in communes}
        return communes + [c for c in named if not c.is_commune and c.insee not in codes]

    def _population(self, key: str) -> int:
        return max(commune.population or 0 for commune in self._by_key[key])


@lru_cache(maxsize=10_000)
def _misspelt_filler(word: str) -> bool:
    return process.extractOne(word, _LONG_FILLERS, scorer=OSA.distance, score_cutoff=1) is not None


def _deduplicated(communes: list[Commune]) -> list[Commune]:
    """One place per INSEE code, the commune rather than its delegated commune of the same code."""
    by_code: dict[str, Commune] = {}
    for commune in communes:
        kept = by_code.get(commune.insee)
        if kept is None or (commune.is_commune and not kept.is_commune):
            by_code[commune.insee] = commune
    return list(by_code.values())


def _in_departments(communes: list[Commune], codes: set[str]) -> list[Commune]:
    """The communes in the départements or territories the message names, if any is."""
    return [c for c in communes if c.department in codes] or communes


def _dominant(communes: list[Commune]) -> list[Commune]:
    """A commune far more populated than every other candidate of a partial or misspelt name, alone."""
    if len(communes) < 2:
        return communes
    ranked = sorted(communes, key=lambda c: -(c.population or 0))
    others = sum(c.population or 0 for c in ranked[1:])
    return ranked[:1] if (ranked[0].population or 0) >= DOMINANT_RATIO * max(others, 1) else communes


def _spelled_as_typed(homonyms: list[Commune], text: str) -> list[Commune]:
    """Names that differ only by accents ("Lure", "Luré"): keep the one spelled exactly as typed, if one is."""
    if len({commune.name for commune in homonyms}) < 2:
        return homonyms
    typed = text.lower()
    spelled = [c for c in homonyms if re.search(rf"(?<!\w){re.escape(c.name.lower())}(?!\w)", typed)]
    return spelled if len(spelled) == 1 else homonyms
