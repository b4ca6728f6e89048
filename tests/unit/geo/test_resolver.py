from __future__ import annotations

import random
import string
import time

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
    assert len(location.communes) == 9  # Saint-Pierre-et-Miquelon's chef-lieu among them
    assert location.communes[0].department == "974"  # the most populated first
    assert {c.name for c in location.communes} == {"Saint-Pierre"}
    assert "975" in {c.department for c in location.communes}


def test_a_shared_postcode_is_searched_from_its_most_populated_commune(resolver):
    location = resolver.resolve_text("espace france services 88000")

    assert found(location) == ("found", [("Épinal", "88")])
    assert location.postcode == "88000"
    assert location.postcode_communes[0].name == "Épinal" and len(location.postcode_communes) == 9
    assert location.points == [(location.communes[0].latitude, location.communes[0].longitude)]


@pytest.mark.parametrize(
    ("text", "commune"),
    [("88200 Saint-Nabord", ("Saint-Nabord", "88")), ("j'habite 4 rue des Lilas, 70200 Lure", ("Lure", "70")),
     ("Saint-Louis 68300", ("Saint-Louis", "68"))],
)
def test_a_commune_named_with_its_postcode_is_the_one_searched_from(resolver, text, commune):
    location = resolver.resolve_text(text)

    assert found(location) == ("found", [commune])
    assert [c.name for c in location.postcode_communes] == [commune[0]]


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


def test_a_location_gives_the_one_point_distances_are_measured_from(resolver):
    shared_postcode = resolver.resolve_text("77120")
    position = resolver.resolve_coordinates(48.81, 3.08)

    coulommiers = shared_postcode.communes[0]
    assert coulommiers.name == "Coulommiers" and len(shared_postcode.postcode_communes) == 9
    assert shared_postcode.points == [(coulommiers.latitude, coulommiers.longitude)]
    assert position.points == [(48.81, 3.08)]


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("Où trouver une France Services à Fort-de-France ?", ("Fort-de-France", "972")),
        ("maison france services à Maisons-Laffitte", ("Maisons-Laffitte", "78")),
        ("france services Saint-Fort", ("Saint-Fort", "53")),
        ("y a-t-il un bus France Services qui passe près de chez moi à Remiremont", ("Remiremont", "88")),
        ("où aller pour être aidé dans mes démarches à Épinal", ("Épinal", "88")),
        ("une maison france services à Fontaine-Française", ("Fontaine-Française", "21")),
        ("France services Villefranche-de-Rouergue", ("Villefranche-de-Rouergue", "12")),
    ],
)
def test_words_of_the_service_s_name_stay_in_place_names(resolver, text, commune):
    assert found(resolver.resolve_text(text)) == ("found", [commune])


@pytest.mark.parametrize("text", ["y a-t-il une maison France Services près de chez moi ?",
                                  "le bus france services passe quand ?", "je cherche un espace france service",
                                  "le téléphone de la france services la plus proche"])
def test_the_service_s_name_alone_is_no_place(resolver, text):
    # « Bus » (62) and « Maisons » (11, 14, 28) are communes too: never read out of the service's name.
    assert resolver.resolve_text(text).status == "missing"


@pytest.mark.parametrize(
    ("text", "code"),
    [("en Haute-Savoie", "74"), ("en Savoie", "73"), ("dans la Creuse", "23"), ("france services de Seine-Saint-Denis",
     "93"), ("dans la Vienne", "86"), ("en Mayenne", "53"), ("dans l'Ain", "01"), ("dans le Gers", "32"),
     ("à la Réunion", "974"), ("en Guadeloupe", "971"), ("y a quoi dans le 2B", "2B"), ("les France Services du 974",
     "974"), ("dans la haute loire", "43"), ("en Loire-Atlantique", "44"), ("liste des france services des Landes",
     "40")],
)
def test_a_department_named_alone(resolver, text, code):
    location = resolver.resolve_text(text)

    assert (location.status, location.department.code) == ("department", code)


@pytest.mark.parametrize(
    ("text", "commune"),
    [("Vienne", ("Vienne", "38")), ("à Mayenne", ("Mayenne", "53")), ("Saint-Dié-des-Vosges", ("Saint-Dié-des-Vosges",
     "88")), ("Pont-d'Ain", ("Pont-d'Ain", "01")), ("je suis à Touët-sur-Var", ("Touët-sur-Var", "06"))],
)
def test_a_commune_whose_name_holds_a_department_s_is_the_commune(resolver, text, commune):
    assert found(resolver.resolve_text(text)) == ("found", [commune])


@pytest.mark.parametrize(
    ("text", "commune"),
    [("Saint-Denis de la Réunion", ("Saint-Denis", "974")), ("au Lamentin en Martinique", ("Lamentin", "972")),
     ("Sainte-Anne en Guadeloupe", ("Sainte-Anne", "971")), ("Saint-Claude dans le Jura", ("Saint-Claude", "39")),
     ("je suis au François, en Martinique", ("François", "972")),
     ("Saint-Martin aux Antilles", ("Saint-Martin", "978")), ("Lure en Haute-Saône", ("Lure", "70"))],
)
def test_homonyms_settled_by_a_department_or_territory_named_beside(resolver, text, commune):
    assert found(resolver.resolve_text(text)) == ("found", [commune])


@pytest.mark.parametrize(
    ("text", "status", "territory"),
    [("je suis à Nouméa", "outside_network", "en Nouvelle-Calédonie"),
     ("Saint-Barthélemy aux Antilles", "outside_network", "à Saint-Barthélemy"),
     ("j'habite à Miquelon", "outside_network", "à Saint-Pierre-et-Miquelon"),
     ("France services en Polynésie française", "outside_network", "en Polynésie française"),
     ("98800", "outside_network", "en Nouvelle-Calédonie"),
     ("insee:97502", "outside_network", "à Saint-Pierre-et-Miquelon"),
     ("je vis à Genève", "outside_france", None)],
)
def test_places_outside_the_network_are_recognised(resolver, text, status, territory):
    location = resolver.resolve(text)

    assert (location.status, location.territory) == (status, territory)


def test_saint_martin_is_in_the_network(resolver):
    assert found(resolver.resolve_text("97150")) == ("found", [("Saint-Martin", "978")])


@pytest.mark.parametrize(
    ("text", "commune"),
    [("fort de frnace", ("Fort-de-France", "972")), ("vezoul", ("Vesoul", "70")),
     ("pointe a pite", ("Pointe-à-Pitre", "971")), ("bordeau", ("Bordeaux", "33")),
     ("je suis a brive", ("Brive-la-Gaillarde", "19")), ("carhaix", ("Carhaix-Plouguer", "29")),
     ("Château-Gontier", ("Château-Gontier-sur-Mayenne", "53")), ("Cherbourg", ("Cherbourg-en-Cotentin", "50"))],
)
def test_typos_short_names_and_former_communes(resolver, text, commune):
    assert found(resolver.resolve_text(text)) == ("found", [commune])


@pytest.mark.parametrize(
    ("text", "named"),
    [("Remiremont", True), ("à Remiremont", True), ("je suis à brive", True), ("trouver un conseiller près de 77120",
     True), ("dans la Creuse", True), ("Lamentin", True), ("je suis à Papeete", True), ("Le Creusot", True),
     ("bourg en bress", True), ("Chaumont en Haute-Marne", True), ("brive", False), ("mon forfait Orange", False),
     ("c'est nice", False), ("bla bla", False), ("un conseiller svp", False)],
)
def test_whether_the_words_plainly_name_a_place(resolver, text, named):
    assert resolver.resolve_text(text).named is named


def test_a_long_message_is_read_quickly(resolver):
    generator = random.Random(3)
    gibberish = " ".join("".join(generator.choice(string.ascii_lowercase) for _ in range(generator.randint(4, 9)))
                         for _ in range(300))

    started = time.perf_counter()
    location = resolver.resolve_text(gibberish + " à Remiremont")
    assert time.perf_counter() - started < 2.0  # about 0.1 s on a busy 2-core machine
    assert found(location) == ("found", [("Remiremont", "88")])  # the end of a long message is read
