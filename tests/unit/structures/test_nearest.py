from __future__ import annotations

import random

import pytest

from assistant.structures.nearest import StructureIndex, brute_force_nearest

# Mainland France and the overseas départements, as (south, north, west, east).
REGIONS = [(42.3, 51.1, -4.8, 8.2), (15.9, 16.5, -61.8, -61.0), (14.4, 14.9, -61.2, -60.8), (3.5, 5.8, -54.5, -51.6),
           (-21.4, -20.9, 55.2, 55.8), (-13.0, -12.6, 45.0, 45.3)]


def random_points(count: int, seed: int = 7) -> list[tuple[float, float]]:
    generator = random.Random(seed)
    points = []
    for _ in range(count):
        south, north, west, east = generator.choice(REGIONS)
        points.append((generator.uniform(south, north), generator.uniform(west, east)))
    return points


def test_the_index_agrees_with_brute_force_on_1000_random_points(structures):
    index = StructureIndex(structures)

    for latitude, longitude in random_points(1000):
        fast = index.nearest([(latitude, longitude)])
        reference = brute_force_nearest(structures, latitude, longitude)
        assert [round(n.distance_km, 6) for n in fast] == [round(n.distance_km, 6) for n in reference]
        # Structures sharing one address tie: only those strictly nearer than the last one must match.
        last = round(reference[-1].distance_km, 6)
        assert {n.structure.id for n in fast if round(n.distance_km, 6) < last} == {
            n.structure.id for n in reference if round(n.distance_km, 6) < last}


def test_nearest_from_coulommiers(structures):
    nearest = StructureIndex(structures).nearest([(48.812161, 3.084258)])

    assert [n.structure.commune for n in nearest] == ["Coulommiers", "Rebais", "Crécy-la-Chapelle"]
    assert 0 < nearest[0].distance_km < 1.0


def test_several_points_merge_by_smallest_distance(structures):
    index = StructureIndex(structures)
    coulommiers, epinal = (48.812161, 3.084258), (48.1724, 6.4496)

    merged = index.nearest([coulommiers, epinal], count=4)

    assert [n.distance_km for n in merged] == sorted(n.distance_km for n in merged)
    assert {n.structure.department for n in merged} == {"77", "88"}


def test_an_empty_list_is_a_clear_error():
    with pytest.raises(ValueError, match="guichet structures import"):
        StructureIndex([])
