"""Places outside the France Services network: French territories where the official list has no structure,
and other countries.

The ANCT list (August 2024) covers mainland France, Corsica, Guadeloupe, Martinique, Guyane, La Réunion,
Mayotte and Saint-Martin; it has no structure in Saint-Pierre-et-Miquelon, Saint-Barthélemy, Wallis-et-Futuna,
French Polynesia, New Caledonia or the French Southern Lands (tests/unit/geo/test_elsewhere.py checks this
against the list). Someone there must be told so, not sent to a homonym in mainland France (« Papeete » is
no typo of a commune, « Polynésie française » not « Lafrançaise »).
Names are in the resolver's key form: folded, « saint » written « st ».
"""

from __future__ import annotations

import re

# Territory code (INSEE) → where, as said in French after « pas de France Services » : the collectivities
# without any France Services.
OUTSIDE_NETWORK = {
    "975": "à Saint-Pierre-et-Miquelon",
    "977": "à Saint-Barthélemy",
    "984": "dans les Terres australes et antarctiques françaises",
    "986": "à Wallis-et-Futuna",
    "987": "en Polynésie française",
    "988": "en Nouvelle-Calédonie",
}
# Where the official list has structures, in the same form.
NETWORK = ("en France métropolitaine, en Guadeloupe, en Martinique, en Guyane, à La Réunion, à Mayotte et à "
           "Saint-Martin")

# Names people use for these territories and their main places. Saint-Barthélemy, Saint-Pierre and Miquelon
# are communes of the directory instead (they have homonyms in mainland France).
TERRITORY_NAMES = {
    "st pierre et miquelon": "975", "spm": "975",
    "st barth": "977", "st barts": "977", "gustavia": "977",
    "taaf": "984", "terres australes": "984", "kerguelen": "984",
    "wallis et futuna": "986", "wallis": "986", "futuna": "986", "mata utu": "986",
    "polynesie francaise": "987", "polynesie": "987", "tahiti": "987", "papeete": "987", "moorea": "987",
    "bora bora": "987", "raiatea": "987", "marquises": "987", "faaa": "987",
    "nouvelle caledonie": "988", "caledonie": "988", "noumea": "988", "lifou": "988", "mare": "988",
    "kone": "988", "dumbea": "988",
}

# Postcodes of the territories above (Saint-Barthélemy shares Guadeloupe's 971 prefix).
_OUTSIDE_POSTCODE = re.compile(r"^(?:97133|975\d\d|98[4678]\d\d)$")
_MONACO_POSTCODE = "98000"

# Other countries and their cities people name, none of them a French commune's name (checked by the tests).
ABROAD = frozenset({
    "belgique", "bruxelles", "charleroi", "geneve", "lausanne", "zurich", "luxembourg",
    "monaco", "andorre", "espagne", "madrid", "barcelone", "italie", "rome", "milan", "allemagne", "berlin",
    "royaume uni", "angleterre", "londres", "irlande", "dublin", "portugal", "lisbonne", "porto", "maroc",
    "casablanca", "rabat", "algerie", "alger", "oran", "tunisie", "tunis", "senegal", "dakar", "cote d ivoire",
    "abidjan", "cameroun", "canada", "quebec", "etats unis", "usa", "new york", "pays bas", "amsterdam",
    "etranger",
})


def outside_postcode(postcode: str) -> str | None:
    """The territory code of a postcode outside the network, "" for Monaco, None for a postcode of the network."""
    if postcode == _MONACO_POSTCODE:
        return ""
    if _OUTSIDE_POSTCODE.match(postcode):
        return "977" if postcode == "97133" else postcode[:3]
    return None
