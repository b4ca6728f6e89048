"""Text helpers shared across the assistant: folding for every matcher (people type without accents, in any
case, with stray punctuation) and the check of what a database can store."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_NOT_WORD = re.compile(r"[^a-z0-9]+")

# Words the searches (procedures and sheets) drop, written here rather than taken from spaCy: importing spaCy's
# French language data costs 3 s per process, and its list drops words that carry meaning in administrative
# questions (« personne âgée », « proche aidant », « première demande », « déclaration préalable »).
# Folded, as questions are split (« qu'est-ce » → « qu », « est », « ce »): articles, pronouns, prepositions,
# conjunctions, forms of être/avoir/pouvoir/devoir/vouloir, question words, and chat politeness.
STOP_WORDS = frozenset("""
a ai aie aient ais ait alors as au aucun aucune aupres auquel aura aurai auraient aurais aurait aussi autre autres
aux auxquels avais avait avant avec avez aviez avoir avons ayant bah ben bien bon bonjour bonsoir c ca car ce ceci
cela celle celles celui ces cet cette ceux chaque chez ci comme comment d dans de des desquels deja depuis dois
doit doivent donc dont du elle elles en encore es est et etaient etais etait etant ete etes etre eu eux fais fait
faut hello ici il ils j jai je jusqu jusque l la laquelle le lequel les leur leurs lui m ma madame mais me meme
merci mes moi mon monsieur n ne ni non nos notre nous o on ont ou ouais oui par parce pas peut peuvent peux plait
pour pourquoi pourrais pourrait pouvez pouvons puis puisque qu quand que quel quelle quelles quels qui quoi s sa
sais sait salut sans se sera serai serais serait ses si sinon slt soit sommes son sont stp suis sur svp t ta te
tes toi ton tous tout toute toutes tu un une vais veut veux voila voudrais voulez vous vos votre y
""".split())


def unaccented(text: str) -> str:
    """Lowercase without accents, punctuation kept: « DÉMÉNAGEMENT à Périgueux » → « demenagement a perigueux »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lowercase, remove accents and punctuation, collapse spaces: « Chèque Énergie ! » → « cheque energie »."""
    return _NOT_WORD.sub(" ", unaccented(text).replace("œ", "oe").replace("æ", "ae")).strip()


def storable(value: str) -> bool:
    """Whether a database can store this text: not with NUL (PostgreSQL refuses it) nor with a lone
    surrogate (no UTF-8 encoder takes it), both of which JSON's \\u escapes can carry in a request."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")


def french_date(day: date) -> str:
    """« 1er juillet 2026 », « 2 décembre 2026 »: a date as a sentence says it."""
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def of(noun_phrase: str) -> str:
    """« de » before a noun phrase, contracted as French requires: « du chèque énergie », « des impôts »,
    « de la CAF », « de l'Urssaf », « de France Travail »."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if noun_phrase.startswith(article):
            return contracted + noun_phrase[len(article):]
    return f"de {noun_phrase}"
