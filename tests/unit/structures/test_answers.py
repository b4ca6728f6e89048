from __future__ import annotations

from datetime import datetime, timezone

import pytest

from assistant.structures.answers import ADVISOR_OFFER, answer_location, asks_for_a_person, directions_url
from assistant.structures.nearest import StructureIndex

TUESDAY_10_30_PARIS = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def index(structures):
    return StructureIndex(structures)


def test_nearest_structures_from_a_commune_follow_the_contract(index, resolver):
    reply = answer_location(resolver.resolve_text("France services près de Coulommiers"), index, TUESDAY_10_30_PARIS)

    payload = reply.payload
    assert payload["type"] == "structures"
    assert payload["location"] == {"commune": "Coulommiers", "insee": "77131", "postcode": "77120",
                                   "lat": 48.812161, "lon": 3.084258, "measured_from": "mairie"}
    assert [s["commune"] for s in payload["structures"]] == ["Coulommiers", "Rebais", "Crécy-la-Chapelle"]
    first = payload["structures"][0]
    assert set(first) == {"id", "name", "address", "postcode", "commune", "lat", "lon", "distance_km", "phone",
                          "email", "open_now", "hours_today", "format", "appointment"}
    assert isinstance(first["id"], str) and first["distance_km"] < 1
    assert reply.text.startswith("Les France Services les plus proches de Coulommiers :")
    assert "Itinéraire : https://www.openstreetmap.org/directions?route=48.81216,3.08426;" in reply.text
    assert "\n\nDistances à vol d'oiseau depuis la mairie de Coulommiers.\n\n" in reply.text
    assert reply.text.endswith("(data.gouv.fr, Licence Ouverte 2.0).")
    assert not reply.offers_advisor and reply.commune_choices == []


def test_a_shared_postcode_says_which_commune_distances_are_measured_from(index, resolver):
    reply = answer_location(resolver.resolve_text("88000"), index, TUESDAY_10_30_PARIS)

    assert reply.text.startswith("Les France Services les plus proches d'Épinal (88000) :")
    assert ("Distances à vol d'oiseau depuis la mairie d'Épinal, la commune la plus peuplée du code postal 88000, "
            "qui couvre aussi Chantraine, Dogneville, Deyvillers, Jeuxey, Dinozé… : choisissez votre commune pour des "
            "distances depuis chez vous.") in reply.text
    epinal = resolver.directory.by_insee("88160")
    assert {key: reply.payload["location"][key] for key in ("commune", "insee", "postcode", "lat", "lon")} == {
        "commune": "Épinal", "insee": "88160", "postcode": "88000", "lat": epinal.latitude, "lon": epinal.longitude}
    assert reply.payload["structures"][0]["distance_km"] == pytest.approx(
        index.nearest([(epinal.latitude, epinal.longitude)], 1)[0].distance_km, abs=0.01)
    assert [c.name for c in reply.commune_choices] == ["Chantraine", "Dogneville", "Deyvillers", "Jeuxey", "Dinozé"]


def test_a_person_asked_for_is_offered_beside_the_structures(index, resolver):
    reply = answer_location(resolver.resolve_text("trouver un conseiller près de 77120"), index, TUESDAY_10_30_PARIS)

    assert reply.offers_advisor and len(reply.payload["structures"]) == 3
    body, source = reply.text.rsplit("\n\n", 1)
    assert body.endswith(ADVISOR_OFFER) and source.startswith("Source : ANCT")


@pytest.mark.parametrize(("text", "expected"), [
    ("trouver un conseiller près de Lure", True), ("rendez-vous à Lure", True), ("quelqu'un à Lure ?", True),
    ("france services à Lure", False), ("la personne", False)])
def test_asking_for_a_person(text, expected):
    assert asks_for_a_person(text) is expected


def test_buses_are_labelled_with_their_itinerary(index, resolver, structures):
    bus = next(s for s in structures if s.format == "Bus_équivalent" and s.comment)

    reply = answer_location(resolver.resolve_coordinates(bus.latitude, bus.longitude), index,
                            TUESDAY_10_30_PARIS)

    assert "Bus France services (itinérant)" in reply.text
    assert f"Passages : {bus.comment}" in reply.text
    assert (reply.payload["location"]["lat"], reply.payload["location"]["lon"]) == (bus.latitude, bus.longitude)


def test_a_shared_position_is_named_after_its_nearest_commune(index, resolver):
    reply = answer_location(resolver.resolve_coordinates(48.8155, 3.0800), index, TUESDAY_10_30_PARIS)

    assert reply.text.startswith("Les France Services les plus proches de votre position (près de Coulommiers) :")
    assert reply.payload["location"] == {"commune": "Coulommiers", "insee": "77131", "postcode": "77120",
                                         "lat": 48.8155, "lon": 3.08, "measured_from": "position"}
    assert "Distances à vol d'oiseau depuis votre position." in reply.text


def test_a_department_lists_its_structures(index, resolver):
    reply = answer_location(resolver.resolve_text("dans le 77"), index, TUESDAY_10_30_PARIS)

    assert reply.text.split(",")[0].endswith("France Services dans le département Seine-et-Marne (77)")
    assert len(reply.payload["structures"]) == 10
    assert all(s["distance_km"] is None for s in reply.payload["structures"])


@pytest.mark.parametrize(
    ("location", "start"),
    [
        (lambda r: r.resolve_text("xyzzy"), "Je ne trouve pas « xyzzy »."),
        (lambda r: r.resolve_coordinates(51.5, -0.12), "Cette position semble hors de France : les France Services "
                                                       "sont en France métropolitaine, en Guadeloupe,"),
        (lambda r: r.resolve_text("je vis à Bruxelles"), "Ce lieu semble hors de France"),
        (lambda r: r.resolve_text("Gustavia"), "Il n'y a pas de France Services à Saint-Barthélemy dans la liste "
                                               "officielle : elles sont en France métropolitaine,"),
        (lambda r: r.resolve_text("Saint-Pierre"), "Plusieurs communes correspondent à « Saint-Pierre » : laquelle ?"),
    ],
)
def test_what_cannot_be_answered_yet_is_said_in_french(index, resolver, location, start):
    reply = answer_location(location(resolver), index, TUESDAY_10_30_PARIS)

    assert reply.text.startswith(start)
    assert reply.payload == {"type": "structures", "location": None, "structures": []}


def test_homonyms_are_offered_as_choices(index, resolver):
    reply = answer_location(resolver.resolve_text("Saint-Pierre"), index, TUESDAY_10_30_PARIS)

    assert [c.department for c in reply.commune_choices][:2] == ["974", "972"]
    assert "• Saint-Pierre (974)" in reply.text


def test_directions_without_an_origin_show_the_map(structures):
    assert directions_url(structures[0], None).startswith(
        f"https://www.openstreetmap.org/?mlat={structures[0].latitude}&mlon={structures[0].longitude}")
