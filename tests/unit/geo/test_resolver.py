from __future__ import annotations

import pytest

from assistant.geo.resolver import commune_query, position_query


def found(location):
    return location.status, [(c.name, c.department) for c in location.communes]


@pytest.mark.parametrize(
    ("text", "status", "communes"),
    [
        ("France Services près de Coulommiers ?", "found", [("Coulommiers", "77")]),
        ("coulomiers", "found", [("Coulommiers", "77")]),
        ("st die", "found", [("Saint-Dié-des-Vosges", "88")]),
        ("saint-die-des-vosges", "found", [("Saint-Dié-des-Vosges", "88")]),
        ("L'Isle-Adam", "found", [("Isle-Adam", "95")]),
        ("lisle adam", "found", [("Isle-Adam", "95")]),
        ("je veux aller a la mairie de coulommiers", "found", [("Coulommiers", "77")]),
        ("saint pierre 974", "found", [("Saint-Pierre", "974")]),
        ("je suis a saint denis 93", "found", [("Saint-Denis", "93")]),
        ("mamoudzou", "found", [("Mamoudzou", "976")]),
        ("Montereau", "ambiguous", [("Montereau-Fault-Yonne", "77"), ("Montereau", "45")]),
        ("non, je voulais dire Lure", "found", [("Lure", "70")]),
        ("Luré", "found", [("Luré", "42")]),
        ("lure", "found", [("Lure", "70")]),
        ("je suis a lure 42", "found", [("Luré", "42")]),
    ],
)
def test_commune_names_typed_loosely(resolver, text, status, communes):
    assert found(resolver.resolve_text(text)) == (status, communes)


def test_homonyms_without_a_department_are_asked_about(resolver):
    location = resolver.resolve_text("Saint-Pierre")

    assert location.status == "ambiguous"
    assert len(location.communes) == 8
    assert location.communes[0].department == "974"  # the most populated first
    assert {c.name for c in location.communes} == {"Saint-Pierre"}


def test_a_postcode_keeps_every_commune_that_shares_it(resolver):
    status, communes = found(resolver.resolve_text("espace france services 88000"))

    assert status == "found"
    assert communes[0] == ("Épinal", "88") and len(communes) > 3
    assert all(department == "88" for _, department in communes)


def test_a_department_number_alone(resolver):
    for text in ("dans le 77", "77", "département 2A"):
        location = resolver.resolve_text(text)
        assert location.status == "department", text
    assert resolver.resolve_text("dans le 77").department.name == "Seine-et-Marne"


@pytest.mark.parametrize("text", ["bla bla", "xyzzy", "99999"])
def test_unknown_places(resolver, text):
    assert resolver.resolve_text(text).status == "not_found"


@pytest.mark.parametrize(
    ("latitude", "longitude", "status"),
    [(48.81, 3.08, "coordinates"), (-12.78, 45.23, "coordinates"), (16.24, -61.53, "coordinates"),
     (51.5, -0.12, "outside_france"), (40.4, -3.7, "outside_france"), (200, 0, "outside_france")],
)
def test_shared_positions(resolver, latitude, longitude, status):
    assert resolver.resolve_coordinates(latitude, longitude).status == status


@pytest.mark.parametrize(
    ("latitude", "longitude", "commune"),
    [(48.8155, 3.08, ("Coulommiers", "77")), (-21.34, 55.48, ("Saint-Pierre", "974")),
     (4.93, -52.33, ("Cayenne", "973"))],
)
def test_a_position_is_named_after_the_nearest_commune(resolver, latitude, longitude, commune):
    location = resolver.resolve_coordinates(latitude, longitude)

    assert found(location) == ("coordinates", [commune])
    assert location.points == [(latitude, longitude)]


@pytest.mark.parametrize(
    ("query", "status", "communes"),
    [
        ("insee:70310", "found", [("Lure", "70")]),
        ("insee:00000", "not_found", []),
        ("position:48.81550,3.08000", "coordinates", [("Coulommiers", "77")]),
        ("position:51.5,-0.12", "outside_france", []),
        ("position:abc", "not_found", []),
        ("non, je voulais dire Lure", "found", [("Lure", "70")]),
    ],
)
def test_location_queries_kept_between_turns(resolver, query, status, communes):
    assert found(resolver.resolve(query)) == (status, communes)


def test_a_query_round_trips(resolver):
    lure = resolver.resolve_text("Lure").communes[0]
    assert found(resolver.resolve(commune_query(lure))) == ("found", [("Lure", "70")])
    assert resolver.resolve(position_query(48.8155, 3.08)).points == [(48.816, 3.08)]


def test_a_shared_position_is_kept_to_about_100_metres():
    assert position_query(48.815512, 3.083149) == "position:48.816,3.083"


def test_a_location_gives_the_points_to_search_from(resolver):
    shared_postcode = resolver.resolve_text("77120")
    position = resolver.resolve_coordinates(48.81, 3.08)

    assert shared_postcode.points == [(c.latitude, c.longitude) for c in shared_postcode.communes]
    assert len(shared_postcode.points) == len(resolver.directory.by_postcode("77120")) > 1
    assert position.points == [(48.81, 3.08)]
