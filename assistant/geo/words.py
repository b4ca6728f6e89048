"""The words around a place name in a request, which are not place names themselves.

People write « y a-t-il une maison France Services près de chez moi à Remiremont » or « un conseiller près de
77120 ». The resolver looks for place names among the runs of words of the message; a run made only of these
words is never taken for a place, even when a small commune bears that name (Bus, Maisons, Y, Prés). They stay
in the message, though: « Fort-de-France », « Maisons-Alfort » and « Saint-Fort » are matched whole, with the
words of the service's own name they contain.
All words are folded (lowercase, no accents, apostrophes and hyphens as spaces: « quelqu'un » → quelqu un).
"""

from __future__ import annotations

# Articles, pronouns, prepositions and the verbs of a request ("je voudrais trouver", "où puis-je aller").
GRAMMAR = frozenset("""
a ai ainsi alors as au aux avec avez avoir avons c ca ce ces cet cette chez comme comment d dans de des dois doit
donc du elle en es est et etre faire fait faut il ils j je jhabite l la le les leur lui m ma me mes moi mon n ne
nous on ont ou par pas peut peux pour pourriez pouvez puis puisse qu quand que quel quelle quelles quels qui quoi s
sa se ses si son sont suis sommes sur t ta te tes til toi ton tu un une va vais veux vers voudrais voudrait vos
votre vous y ya aimerais souhaite souhaiterais cherche chercher cherchons recherche rechercher trouver trouve
trouvez habite habitons habiter vis vit vivre reside aller allez indiquer indiquez connaitre savoir donner
donnez voir dire voulais plutot pardon erreur trompe trompee bonjour bonsoir salut merci svp stp plait oui non
ok bien aussi encore tout tous toute toutes autre
""".split())

# Where: nearness and the kind of place ("près de chez moi", "dans ma commune", "mon code postal").
NEARNESS = frozenset("""
pres proche proches proximite plus loin cote autour alentours environs secteur coin quartier ici domicile
commune ville village position partage partagee voici utilise localiser localisation carte itineraire
adresse departement dept dep dpt code postal postale cp liste
""".split())

# The service and what people come for ("maison France Services", "un conseiller", "mes démarches").
SERVICE = frozenset("""
france frances franse service services servise servises fs mfs msap maison maisons espace espaces point points
accueil guichet guichets structure structures bus itinerant itinerante antenne public publics conseiller
conseillere conseillers agent agents quelqu quelquun personne humain rendez rdv aide aider aidee aides
accompagne accompagnee accompagnement accompagner demarche demarches administratif administrative
administratives papiers dossier dossiers remplir ligne internet numerique horaires horaire ouvert ouverte
ouverts ouverture ferme fermee telephone tel numero mail contact joindre passe passer aujourd hui
maintenant demain samedi dimanche lundi mardi mercredi jeudi vendredi heure heures endroit besoin
""".split())

FILLER = GRAMMAR | NEARNESS | SERVICE

# Words that link the parts of a name ("Saint-Laurent-du-Maroni", "Pointe-à-Pitre"): never its first or last word.
CONNECTORS = frozenset("a au aux d de des du en et l la le les lès les lez sous sur".split())
# "st" and "ste" ("Saint", "Sainte" once folded) may start a name, never end one.
NAME_STARTS_ONLY = frozenset({"st", "ste"})

# Words before a département's name that make it the place meant: « dans la Creuse », « en Mayenne », « du 77 ».
DEPARTMENT_MARKERS = (("en",), ("du",), ("des",), ("dans", "le"), ("dans", "la"), ("dans", "les"), ("dans", "l"),
                      ("de", "la"), ("de", "l"), ("a", "la"), ("departement",), ("dept",), ("dep",), ("dpt",))
# A number is a département after these too: « le 77 », « dans le 2A », « (974) ».
DEPARTMENT_NUMBER_MARKERS = (*DEPARTMENT_MARKERS, ("le",), ("dans",))

# Words before a place that say the user names where they are: « à Lure », « près de Lure », « sur Vesoul ».
LOCATIVES = frozenset({"a", "au", "aux", "de", "du", "sur", "vers", "pres", "cote", "autour", "habite", "jhabite",
                       "en", "proche", "dans"})

# Asking for a person: the answer offers an advisor next to the structures.
PERSON_WORDS = ("conseiller", "conseillere", "conseillers", "agent", "quelqu un", "quelquun", "une personne",
                "humain", "rendez vous", "rdv")
