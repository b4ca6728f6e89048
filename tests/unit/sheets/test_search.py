from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.sheets.search import SheetSearch, dense_passages, passage
from tests.unit.sheets.conftest import simple_sheet

CORPUS = [
    simple_sheet("F1342", "Carte d'identité d'un mineur : première demande",
                 "Pour la carte d'identité d'un enfant, l'enfant et son responsable se rendent en mairie avec un "
                 "justificatif de domicile.",
                 description="Pour faire la carte d'identité d'un enfant mineur, il faut aller en mairie."),
    simple_sheet("F21032", "Que doit faire un étranger en cas de perte de sa carte de séjour ?",
                 "En cas de perte de sa carte de séjour, l'étranger déclare la perte au commissariat et demande un "
                 "duplicata en préfecture.", kind="Fiche Question-réponse", theme="Étranger",
                 description="Il faut déclarer la perte puis demander un duplicata en préfecture."),
    simple_sheet("F2213", "Naturalisation", "La naturalisation est accordée par décret aux étrangers qui "
                 "résident en France depuis 5 ans.", theme="Étranger",
                 description="Un étranger peut demander la nationalité française par naturalisation."),
    simple_sheet("F34049", "Carte mobilité inclusion (CMI)", "La carte mobilité inclusion remplace la carte "
                 "d'invalidité, la carte de priorité et la carte de stationnement.", theme="Social - Santé",
                 description="La carte mobilité inclusion est destinée aux personnes handicapées."),
    simple_sheet("F10027", "Complémentaire santé solidaire", "La complémentaire santé solidaire prend en charge "
                 "la part complémentaire de vos dépenses de santé.", theme="Social - Santé",
                 description="Aide pour payer les dépenses de santé, sous conditions de ressources."),
    simple_sheet("F12484", "Allocation de solidarité spécifique (ASS)", "L'allocation de solidarité spécifique "
                 "est versée aux demandeurs d'emploi qui ont épuisé leurs droits au chômage.", theme="Travail",
                 description="Aide pour les demandeurs d'emploi en fin de droits."),
    simple_sheet("F1367", "Listes électorales : nouvelle inscription", "L'inscription sur les listes "
                 "électorales se fait en mairie ou en ligne.", description="Pour voter, il faut être inscrit."),
    simple_sheet("F1427", "Acte de naissance : demande de copie intégrale ou d'extrait",
                 "La copie intégrale d'un acte de naissance se demande à la mairie du lieu de naissance.",
                 theme="Famille", description="Une copie d'acte de naissance se demande à la mairie."),
    simple_sheet("R1406", "Téléservice : Demande d'acte de naissance : copie intégrale ou extrait",
                 "Permet de demander un acte de naissance, copie intégrale ou extrait.", kind="Téléservice",
                 theme="Famille", description="Demande d'acte de naissance en ligne."),
    simple_sheet("N359", "Actes d'état civil", "Acte de naissance, acte de mariage, acte de décès.",
                 kind="Dossier", theme="Famille", description="Actes de naissance, de mariage et de décès."),
    simple_sheet("F15", "Surendettement : dépôt d'un dossier", "Une personne surendettée dépose un dossier de "
                 "surendettement à la Banque de France.", theme="Argent",
                 description="Le surendettement permet de traiter les dettes d'une personne qui ne peut plus payer."),
    simple_sheet("F869", "Quelles sont les conditions pour obtenir un logement social ?",
                 "Les ressources du foyer ne doivent pas dépasser un plafond.", kind="Fiche Question-réponse",
                 theme="Logement", description="Le logement social (HLM) est attribué sous conditions de ressources."),
]


@pytest.fixture(scope="module")
def search():
    """The fixture corpus without the shipped everyday wordings: these tests hold whatever wordings.yml says."""
    return SheetSearch(CORPUS, wordings={})


def best(search, question, **options):
    return [hit.sheet.id for hit in search.search(question, **options)]


@pytest.mark.parametrize(("question", "expected"), [
    ("g perdu ma carte de sejour", "F21032"),  # chat spelling, no accents
    ("comment obtenir la naturalisaton", "F2213"),  # typo
    ("ma fille a 18 ans elle peut avoir la CMI ?", "F34049"),  # abbreviation
    ("c koi la css", "F10027"),
    ("je suis en fin de droits, c'est quoi l'ASS", "F12484"),
    ("je veux m'inscrire pour voter", "F1367"),  # verb where the sheet has a noun
    ("je suis surendetté que faire", "F15"),  # morphology
    ("plafond de revenus pour un hlm", "F869"),
])
def test_questions_as_people_type_them_find_their_sheet(search, question, expected):
    assert best(search, question)[0] == expected


def test_a_fiche_answers_before_the_teleservice_and_the_dossier_on_the_same_words(search):
    assert best(search, "demande d'acte de naissance copie intégrale", limit=3) == ["F1427", "R1406", "N359"]


def test_results_can_be_limited_to_families_and_themes(search):
    assert best(search, "acte de naissance", families={"teleservice"}) == ["R1406"]
    assert best(search, "carte", theme="Étranger") == ["F21032"]
    assert best(search, "carte d'identité", limit=1) == ["F1342"]


def test_a_question_without_any_known_word_finds_nothing(search):
    assert search.search("recette de la blanquette de veau") == []


def test_a_hit_carries_what_a_card_shows(search):
    hit = search.search("naturalisation")[0]

    assert (hit.sheet.title, hit.sheet.family, hit.sheet.modified.isoformat()) == (
        "Naturalisation", "fiche", "2020-07-21")
    assert hit.sheet.url == "https://www.service-public.gouv.fr/particuliers/vosdroits/F2213"
    assert 0 < hit.score <= 1


class ConceptEmbedder:
    """Vectors over a few concepts, so that « bébé » is near « naissance » without sharing a word."""

    name = "concepts/1"
    CONCEPTS = (("naissance", "bebe", "ne", "nee"), ("etranger", "sejour", "prefecture"), ("argent", "dettes"))

    def _vector(self, text):
        words = text.lower().replace("é", "e").split()
        vector = np.array([sum(word.strip(".,:?'") in concept for word in words) for concept in self.CONCEPTS]
                          + [0.1], dtype=np.float32)
        return vector / np.linalg.norm(vector)

    def passages(self, texts):
        return np.stack([self._vector(text) for text in texts])

    def query(self, text):
        return self._vector(text)


def test_the_dense_side_finds_a_sheet_that_shares_no_word_with_the_question(search):
    embedder = ConceptEmbedder()
    dense = SheetSearch(CORPUS, wordings={}, embedder=embedder,
                        passage_vectors=embedder.passages([passage(sheet) for sheet in CORPUS]))
    question = "papier pour mon bebe"

    assert search.search(question) == []
    assert dense.has_vectors
    assert best(dense, question)[0] == "F1427"
    assert best(dense.with_settings(replace(dense.settings, dense_weight=0)), question) == []


def test_vectors_must_match_the_sheets(search):
    with pytest.raises(ValueError, match="2 vecteurs pour 12 fiches"):
        search.attach_vectors(np.zeros((2, 4), dtype=np.float32))


class FixedEmbedder:
    name = "fixed/1"

    def __init__(self, query_vector):
        self.query_vector = np.asarray(query_vector, dtype=np.float32)

    def passages(self, texts):
        raise AssertionError("the passages are given")

    def query(self, text):
        return self.query_vector


def test_a_sheet_is_as_close_as_its_closest_text():
    sheets = CORPUS[:2]
    texts, owners = dense_passages(sheets, wordings={})
    assert texts[0] == passage(sheets[0]) and list(owners) == [0, 1]
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)  # the second sheet has two texts
    search = SheetSearch(sheets, wordings={}, embedder=FixedEmbedder([0, 0, 1]), passage_vectors=vectors,
                         passage_owners=np.array([0, 1, 1]))

    scored = search.score("question sans mot connu")

    assert list(scored.dense) == [0.0, 1.0]
    assert best(search, "question sans mot connu", limit=1) == ["F21032"]


def test_a_sheet_is_found_by_how_people_say_what_it_answers(search):
    question = "mes crédits m'étouffent"
    with_wordings = SheetSearch(CORPUS, wordings={"F15": ("trop de crédits à rembourser", "mes crédits m'étranglent"),
                                                  "F999": ("une fiche que le corpus n'a pas",)})

    assert best(search, question) == []
    assert best(with_wordings, question) == ["F15"]


def test_e5_reads_each_everyday_wording_once_for_its_sheet():
    sheets = CORPUS[:2]
    wordings = {"F21032": ("perdu mon titre de séjour", "perdu mon titre de séjour", passage(sheets[1])),
                "F999": ("une fiche que le corpus n'a pas",)}

    texts, owners = dense_passages(sheets, wordings=wordings)

    assert texts == [passage(sheets[0]), passage(sheets[1]), "perdu mon titre de séjour"]
    assert list(owners) == [0, 1, 1]


def test_the_confidence_grows_with_how_much_of_the_question_a_sheet_answers(search):
    precise = search.search("carte d'identité d'un mineur première demande en mairie")[0]
    vague = search.search("carte")[0]

    assert precise.sheet.id == "F1342"
    assert 0 < vague.confidence < precise.confidence < 1
