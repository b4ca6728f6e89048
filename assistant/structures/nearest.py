"""The nearest France Services structures, by great-circle distance, with a BallTree built once.

scikit-learn's BallTree with the haversine metric answers a query in a few tree nodes instead of a
distance to each of the 2,845 structures; `brute_force_nearest` is the reference it is checked and
benchmarked against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import BallTree
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.structures.models import StructureRow

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Structure:
    id: int
    name: str
    address: str
    address_complement: str | None
    postcode: str
    commune: str
    insee_commune: str
    department: str
    latitude: float
    longitude: float
    email: str | None
    phone: str | None
    hours: dict[str, list[list[str]]]
    appointment_required: bool | None
    comment: str | None
    format: str
    kind: str


@dataclass(frozen=True)
class NearbyStructure:
    structure: Structure
    distance_km: float


def list_structures(*, session: Session) -> list[Structure]:
    rows = session.execute(select(StructureRow).order_by(StructureRow.id)).scalars()
    return [
        Structure(
            id=r.id, name=r.name, address=r.address, address_complement=r.address_complement, postcode=r.postcode,
            commune=r.commune, insee_commune=r.insee_commune, department=r.department, latitude=r.latitude,
            longitude=r.longitude, email=r.email, phone=r.phone, hours=r.hours,
            appointment_required=r.appointment_required, comment=r.comment, format=r.format, kind=r.kind,
        )
        for r in rows
    ]


class StructureIndex:
    """Every structure in a haversine BallTree (coordinates in radians)."""

    def __init__(self, structures: Sequence[Structure]):
        if not structures:
            raise ValueError("aucune structure : lancez « guichet structures import »")
        self.structures = list(structures)
        self._tree = BallTree(np.radians([[s.latitude, s.longitude] for s in self.structures]), metric="haversine")

    def nearest(self, points: Sequence[tuple[float, float]], count: int = 3) -> list[NearbyStructure]:
        """The `count` structures nearest to any of the points (several communes may share a postcode)."""
        count = min(count, len(self.structures))
        distances, indexes = self._tree.query(np.radians(np.asarray(points, dtype=float)), k=count)
        best: dict[int, float] = {}
        for row_distances, row_indexes in zip(distances, indexes, strict=True):
            for distance, index in zip(row_distances, row_indexes, strict=True):
                best[int(index)] = min(best.get(int(index), np.inf), float(distance) * EARTH_RADIUS_KM)
        ranked = sorted(best.items(), key=lambda item: item[1])[:count]
        return [NearbyStructure(self.structures[index], distance) for index, distance in ranked]

    def in_department(self, department: str) -> list[Structure]:
        return sorted((s for s in self.structures if s.department == department), key=lambda s: (s.commune, s.name))


def haversine_km(latitude: float, longitude: float, latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
    lat1, lon1, lat2, lon2 = map(np.radians, (latitude, longitude, latitudes, longitudes))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def brute_force_nearest(
    structures: Sequence[Structure], latitude: float, longitude: float, count: int = 3
) -> list[NearbyStructure]:
    """The reference: the distance to every structure, sorted."""
    distances = haversine_km(latitude, longitude, np.array([s.latitude for s in structures]),
                             np.array([s.longitude for s in structures]))
    order = np.argsort(distances)[:count]
    return [NearbyStructure(structures[i], float(distances[i])) for i in order]
