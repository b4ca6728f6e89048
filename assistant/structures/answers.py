"""French answers about France Services structures, with the integrators' `structures` payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from assistant import contract
from assistant.geo.communes import Commune
from assistant.geo.elsewhere import NETWORK
from assistant.geo.resolver import Location
from assistant.geo.words import PERSON_WORDS
from assistant.structures.hours import opening_today
from assistant.structures.nearest import Structure, StructureIndex
from assistant.text import fold

NEAREST_COUNT = 3
DEPARTMENT_LIST_LIMIT = 10
COMMUNES_NAMED = 5
POSTCODE_CHOICES = 5
# What the distances are measured from, by the commune point's source (assistant/geo/communes.py).
POINT_WORDS = {"mairie": "la mairie", "centroide": "le centre", "chef-lieu": "le centre"}
FORMAT_LABELS = {
    "Bus_équivalent": "Bus France services (itinérant)",
    "Itinérante": "France services itinérante",
    "Multisites": "France services sur plusieurs sites",
    "Fixe_antenne(s)": "France services avec antenne(s)",
}
MOBILE_FORMATS = {"Bus_équivalent", "Itinérante", "Mobile"}
ADVISOR_OFFER = ("Un conseiller France Services peut aussi vous répondre ici ou vous rappeler : choisissez « Parler "
                 "à un conseiller ».")
EXAMPLES = "par exemple « Coulommiers », « 77120 » ou « 77 »"


@dataclass
class StructuresReply:
    text: str
    payload: contract.StructuresPayload
    # Buttons: communes to choose from (homonyms, or the other communes of a postcode), a person to talk to.
    commune_choices: list[Commune] = field(default_factory=list)
    offers_advisor: bool = False


def asks_for_a_person(text: str) -> bool:
    """« un conseiller près de 77120 », « rendez-vous avec quelqu'un à Lourdes »: the structures, and a person."""
    folded = f" {fold(text)} "
    return any(f" {words} " in folded for words in PERSON_WORDS)


def directions_url(structure: Structure, origin: tuple[float, float] | None) -> str:
    """An OpenStreetMap route from the user's place when known, else the structure on the map."""
    if origin is None:
        return (f"https://www.openstreetmap.org/?mlat={structure.latitude}&mlon={structure.longitude}"
                f"#map=17/{structure.latitude}/{structure.longitude}")
    return (f"https://www.openstreetmap.org/directions?route={origin[0]:.5f},{origin[1]:.5f};"
            f"{structure.latitude:.5f},{structure.longitude:.5f}")


def answer_location(location: Location, index: StructureIndex, now: datetime) -> StructuresReply:
    """The nearest structures to a resolved place, a département's list, or what to ask next; when the
    message asked for a person, the answer offers one too."""
    if location.status == "department":
        reply = _department_list(location, index, now)
    elif location.is_place:
        reply = _nearest(location, index, now)
    else:
        return ask_location(location)
    if asks_for_a_person(location.query) and reply.payload["structures"]:
        reply.offers_advisor = True
        body, source = reply.text.rsplit("\n\n", 1)
        reply.text = f"{body}\n\n{ADVISOR_OFFER}\n\n{source}"
    return reply


def ask_location(location: Location | None = None) -> StructuresReply:
    """The question when the place is missing, unknown, abroad, or a name several communes share."""
    status = location.status if location else "missing"
    if status == "not_found":
        return _ask(f"Je ne trouve pas « {location.query.strip()} ». Indiquez une commune, un code postal ou un "
                    f"numéro de département ({EXAMPLES}).")
    if status == "outside_france":
        where = "Cette position semble" if location.latitude is not None else "Ce lieu semble"
        return _ask(f"{where} hors de France : les France Services sont {NETWORK}. Indiquez une commune ou un "
                    f"code postal ({EXAMPLES}).")
    if status == "outside_network":
        return _ask(f"Il n'y a pas de France Services {location.territory} dans la liste officielle : elles sont "
                    f"{NETWORK}. Pour chercher ailleurs, indiquez une commune ou un code postal ({EXAMPLES}).")
    if status == "ambiguous":
        choices = "\n".join(f"• {c.name} ({c.department})" for c in location.communes)
        reply = _ask(f"Plusieurs communes correspondent à « {location.query.strip()} » : laquelle ?\n{choices}")
        reply.commune_choices = location.communes
        return reply
    return _ask("Où cherchez-vous une France Services ? Indiquez votre commune, votre code postal ou un numéro de "
                f"département ({EXAMPLES}), ou partagez votre position.")


def _nearest(location: Location, index: StructureIndex, now: datetime) -> StructuresReply:
    """The structures nearest to the one point the answer names: the shared position, else the commune's
    town hall (or centre); a postcode's other communes are named, to choose from."""
    nearby = index.nearest(location.points, NEAREST_COUNT)
    origin = location.points[0]
    first = location.communes[0] if location.communes else None
    measured_from = "position" if location.status == "coordinates" else _point_kind(first)
    place = {"commune": first.name if first else None, "insee": first.insee if first else None,
             "postcode": _postcode(location, first) if first else None, "lat": origin[0], "lon": origin[1],
             "measured_from": measured_from}
    others = [c for c in location.postcode_communes if first is None or c.insee != first.insee]
    if location.status == "coordinates":
        where = f"votre position (près de {first.name})" if first else "votre position"
        origin_text = "votre position"
    else:
        where = f"{first.name} ({location.postcode})" if location.postcode else first.name
        origin_text = f"{POINT_WORDS.get(first.location_source, 'le centre')} {of(first.name)}"
    lines = [f"Les France Services les plus proches {of(where)} :"]
    lines += [_structure_text(number, n.structure, n.distance_km, origin, now) for number, n in enumerate(nearby, 1)]
    note = f"Distances à vol d'oiseau depuis {origin_text}"
    if others:
        names = ", ".join(c.name for c in others[:COMMUNES_NAMED]) + ("…" if len(others) > COMMUNES_NAMED else "")
        note += (f", la commune la plus peuplée du code postal {location.postcode}, qui couvre aussi {names} : "
                 "choisissez votre commune pour des distances depuis chez vous")
    lines += [note + ".", _source()]
    return StructuresReply(
        text="\n\n".join(lines),
        payload=contract.structures_payload(place, [_structure_payload(n.structure, n.distance_km, now)
                                                    for n in nearby]),
        commune_choices=others[:POSTCODE_CHOICES],
    )


def of(name: str) -> str:
    """« de Coulommiers », « d'Épinal »."""
    return f"d'{name}" if fold(name[:1]) in tuple("aeiouy") else f"de {name}"


def _point_kind(commune: Commune | None) -> str:
    return "mairie" if commune is not None and commune.location_source == "mairie" else "centre"


def _department_list(location: Location, index: StructureIndex, now: datetime) -> StructuresReply:
    department = location.department
    structures = index.in_department(department.code)
    if not structures:
        return _ask(f"Je n'ai trouvé aucune France Services dans le département {department.name} "
                    f"({department.code}). Indiquez plutôt votre commune ou votre code postal.")
    shown = structures[:DEPARTMENT_LIST_LIMIT]
    lines = [f"{len(structures)} France Services dans le département {department.name} ({department.code})"
             + (f", voici les {len(shown)} premières par commune. Donnez votre commune pour les plus proches."
                if len(structures) > len(shown) else " :")]
    lines += [_structure_text(number, s, None, None, now) for number, s in enumerate(shown, 1)]
    lines.append(_source())
    return StructuresReply(
        text="\n\n".join(lines),
        payload=contract.structures_payload({"commune": None, "insee": None, "postcode": None, "lat": None,
                                             "lon": None, "department": department.code},
                                            [_structure_payload(s, None, now) for s in shown]),
    )


def _structure_text(number: int, structure: Structure, distance_km: float | None,
                    origin: tuple[float, float] | None, now: datetime) -> str:
    opening = opening_today(structure.hours, now)
    distance = f" — {distance_km:.1f} km".replace(".", ",") if distance_km is not None else ""
    lines = [f"{number}. **{structure.name}**{distance}"]
    if structure.format in FORMAT_LABELS:
        lines.append(FORMAT_LABELS[structure.format])
    lines.append(f"{_address(structure)}, {structure.postcode} {structure.commune}")
    if opening.hours_today:
        state = "ouvert en ce moment" if opening.open_now else "fermé en ce moment"
        lines.append(f"Aujourd'hui : {opening.hours_today} ({state})")
    else:
        lines.append("Fermé aujourd'hui")
    if structure.appointment_required is not None:
        lines.append("Sur rendez-vous" if structure.appointment_required else "Sans rendez-vous")
    contact = " · ".join(part for part in (f"Tél. {structure.phone}" if structure.phone else "", structure.email
                                            or "") if part)
    if contact:
        lines.append(contact)
    if structure.comment and structure.format in MOBILE_FORMATS:
        lines.append(f"Passages : {structure.comment}")
    lines.append(f"Itinéraire : {directions_url(structure, origin)}")
    return "\n".join(lines)


def _structure_payload(structure: Structure, distance_km: float | None, now: datetime) -> contract.StructureItem:
    opening = opening_today(structure.hours, now)
    return {
        "id": str(structure.id), "name": structure.name,
        "address": _address(structure),
        "postcode": structure.postcode, "commune": structure.commune, "lat": structure.latitude,
        "lon": structure.longitude, "distance_km": round(distance_km, 2) if distance_km is not None else None,
        "phone": structure.phone, "email": structure.email, "open_now": opening.open_now,
        "hours_today": opening.hours_today or None, "format": structure.format,
        "appointment": structure.appointment_required,
    }


def _address(structure: Structure) -> str:
    return ", ".join(part for part in (structure.address, structure.address_complement) if part)


def _postcode(location: Location, commune: Commune) -> str | None:
    if location.postcode:
        return location.postcode
    for word in location.query.split():
        if word.isdigit() and word in commune.postcodes:
            return word
    return commune.postcodes[0] if commune.postcodes else None


def _ask(text: str) -> StructuresReply:
    return StructuresReply(text=text, payload=contract.structures_payload(None, []))


def _source() -> str:
    return "Source : ANCT, liste des structures France services (data.gouv.fr, Licence Ouverte 2.0)."
