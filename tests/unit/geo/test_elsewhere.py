from __future__ import annotations

import csv

import pytest

from assistant.config import SHARED_STRUCTURES_LIST
from assistant.geo.elsewhere import ABROAD, OUTSIDE_NETWORK, TERRITORY_NAMES, outside_postcode
from assistant.geo.resolver import name_key


@pytest.fixture(scope="module")
def departments_with_structures() -> set[str]:
    with SHARED_STRUCTURES_LIST.open(encoding="utf-8-sig", newline="") as file:
        return {row["insee_dep"] for row in csv.DictReader(file)}


def test_the_territories_said_to_be_outside_have_no_structure_in_the_official_list(departments_with_structures):
    assert not set(OUTSIDE_NETWORK) & departments_with_structures
    # and every other overseas territory has some: Saint-Martin is in the network.
    assert {"971", "972", "973", "974", "976", "978"} <= departments_with_structures


def test_names_of_places_outside_are_no_french_commune_name(commune_directory):
    commune_keys = {name_key(c.name) for c in commune_directory.communes}

    assert not (set(TERRITORY_NAMES) | ABROAD) & commune_keys
    assert set(TERRITORY_NAMES.values()) <= set(OUTSIDE_NETWORK)


@pytest.mark.parametrize(
    ("postcode", "territory"),
    [("97133", "977"), ("97500", "975"), ("98714", "987"), ("98800", "988"), ("98600", "986"), ("98000", ""),
     ("97150", None), ("97100", None), ("77120", None)],
)
def test_postcodes_outside_the_network(postcode, territory):
    assert outside_postcode(postcode) == territory
