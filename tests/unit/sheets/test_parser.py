from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.sheets.parser import SheetParseError, parse_sheet
from tests.unit.sheets.conftest import paragraph, sheet_xml

IDENTITY_CARD_BODY = (
    "<Introduction><Texte>" + paragraph("La carte d'identité d'un mineur est gratuite.") + "</Texte></Introduction>"
    '<ListeSituations affichage="onglet"><Situation><Titre>Demande en France</Titre><Texte>'
    + paragraph("L'enfant et son responsable se rendent en mairie.")
    + "<Chapitre><Titre>" + paragraph("Où et comment faire la demande ?") + "</Titre>"
    + "<Paragraphe>Le responsable doit exercer <LienInterne LienPublication=\"F18605\" type=\"Fiche\">"
      "l'autorité parentale</LienInterne> .</Paragraphe>"
    + '<OuSAdresser ID="R45972" type="Local"><Titre>Mairie délivrant des cartes d\'identité</Titre>'
      '<RessourceWeb URL="https://ants.gouv.fr"/></OuSAdresser>'
    + '<ServiceEnLigne ID="R45668" URL="https://ants.gouv.fr/pre-demande" type="Téléservice">'
      "<Titre>Pré-demande de carte d'identité</Titre></ServiceEnLigne>"
    + "</Chapitre>"
    + '<Chapitre type="pieces"><Titre>' + paragraph("Pièces à fournir") + "</Titre>"
    + "<BlocCas><Cas><Titre>L'enfant a un passeport valide</Titre><Condition><estVrai var=\"T1\"/></Condition>"
      '<Liste type="puce"><Item>' + paragraph("Passeport de l'enfant") + "</Item><Item>"
      + paragraph("Justificatif de domicile") + "</Item></Liste></Cas></BlocCas></Chapitre>"
    + "<Chapitre><Titre>" + paragraph("Coût") + "</Titre>"
    + "<Tableau><Rangée><Cellule>" + paragraph("Âge") + "</Cellule><Cellule>" + paragraph("Prix")
    + "</Cellule></Rangée><Rangée><Cellule>" + paragraph("Mineur") + "</Cellule><Cellule>" + paragraph("Gratuit")
    + "</Cellule></Rangée></Tableau></Chapitre>"
    "</Texte></Situation></ListeSituations>"
    '<DossierPere ID="N358"><Titre>Carte d\'identité</Titre><Fiche ID="F1341">Première demande</Fiche></DossierPere>'
    "<SousDossierPere>Pour un mineur</SousDossierPere>"
    '<Definition ID="R1"><Titre>Autorité parentale</Titre><Texte>' + paragraph("Droits des parents") + "</Texte>"
    "</Definition>"
    '<OuSAdresser ID="R20684" type="Centre de contact"><Titre>Allô Service Public</Titre>'
    "<Complement>Pour des informations générales</Complement><Texte>" + paragraph("Par téléphone : 39 39")
    + "</Texte></OuSAdresser>"
    '<ServiceEnLigne ID="R1406" URL="https://psl.service-public.fr/naissance" type="Téléservice">'
    "<Titre>Demande d'acte de naissance</Titre></ServiceEnLigne>"
    '<PourEnSavoirPlus ID="R44353" URL="https://legifrance.gouv.fr"><Titre>Consuls honoraires</Titre>'
    "</PourEnSavoirPlus>"
    '<VoirAussi><Fiche ID="F1359"><Titre>Autorisation de sortie du territoire</Titre></Fiche></VoirAussi>'
    '<QuestionReponse ID="F11601">Est-on obligé d\'avoir une carte d\'identité ?</QuestionReponse>'
)


@pytest.fixture
def identity_card():
    return parse_sheet(sheet_xml(
        "F1342", "Carte d'identité d'un mineur : première demande", kind="Fiche d'information conditionnée",
        description="Pour faire la carte d'identité d'un enfant mineur…", body=IDENTITY_CARD_BODY,
        breadcrumb=(("N19810", "Papiers - Citoyenneté"), ("N358", "Carte d'identité"))))


def test_the_header_fields_are_read(identity_card):
    assert (identity_card.id, identity_card.kind, identity_card.family) == (
        "F1342", "Fiche d'information conditionnée", "fiche")
    assert identity_card.modified == date(2020, 7, 21)
    assert identity_card.url == "https://www.service-public.gouv.fr/particuliers/vosdroits/F1342"
    assert identity_card.breadcrumb == (("N19810", "Papiers - Citoyenneté"), ("N358", "Carte d'identité"))
    assert (identity_card.themes, identity_card.audiences, identity_card.dossier_part) == (
        ("Papiers - Citoyenneté",), ("Particuliers",), "Pour un mineur")


def test_the_body_keeps_its_sections_in_reading_order(identity_card):
    assert [(section.kind, section.title) for section in identity_card.sections] == [
        ("introduction", "Introduction"),
        ("situation", "Demande en France"),
        ("chapitre", "Demande en France › Où et comment faire la demande ?"),
        ("chapitre", "Demande en France › Pièces à fournir"),
        ("chapitre", "Demande en France › Coût"),
        ("ou_s_adresser", "Où s'adresser ?"),
        ("services", "Services en ligne et formulaires"),
        ("pour_en_savoir_plus", "Pour en savoir plus"),
    ]
    sections = {section.title: section for section in identity_card.sections}
    assert sections["Demande en France › Où et comment faire la demande ?"].text == (
        "Le responsable doit exercer l'autorité parentale.\n"
        "Où s'adresser : Mairie délivrant des cartes d'identité\n"
        "En ligne : Pré-demande de carte d'identité")
    assert sections["Demande en France › Pièces à fournir"].text == (
        "L'enfant a un passeport valide\n- Passeport de l'enfant\n- Justificatif de domicile")
    assert sections["Demande en France › Coût"].text == "Âge | Prix\nMineur | Gratuit"
    assert sections["Où s'adresser ?"].text == (
        "- Allô Service Public — Pour des informations générales\nPar téléphone : 39 39")


def test_navigation_glossary_and_conditions_stay_out_of_the_body(identity_card):
    text = "\n".join(section.text for section in identity_card.sections)
    assert "Première demande" not in text  # the parent dossier's table of contents
    assert "Droits des parents" not in text  # the glossary
    assert "T1" not in text


def test_the_documents_section_is_marked(identity_card):
    assert [section.title for section in identity_card.sections if section.about_documents] == [
        "Demande en France › Pièces à fournir"]


def test_a_chapter_titled_like_a_list_of_papers_is_marked_without_the_official_type():
    body = ("<Texte><Chapitre><Titre>" + paragraph("Démarche") + "</Titre><SousChapitre><Titre>"
            + paragraph("Documents à fournir") + "</Titre>" + paragraph("Un justificatif de domicile.")
            + "</SousChapitre></Chapitre><Chapitre><Titre>" + paragraph("Coût") + "</Titre>"
            + paragraph("Gratuit.") + "</Chapitre></Texte>")

    sheet = parse_sheet(sheet_xml("F2", "Carte de séjour", body=body))

    assert [(section.title, section.about_documents) for section in sheet.sections] == [
        ("Démarche", True), ("Coût", False)]
    assert sheet.sections[0].text == "Documents à fournir\nUn justificatif de domicile."


def test_links_to_other_sheets_and_online_services_are_collected(identity_card):
    assert identity_card.links == ("F18605", "R45668", "R1406", "F1359", "F11601")
    assert [(service.id, service.url, service.kind) for service in identity_card.services] == [
        ("R45668", "https://ants.gouv.fr/pre-demande", "Téléservice"),
        ("R1406", "https://psl.service-public.fr/naissance", "Téléservice")]
    assert identity_card.questions == (("F11601", "Est-on obligé d'avoir une carte d'identité ?"),)


def test_a_teleservice_sheet_gives_its_address_and_cerfa_number():
    body = ('<Texte>' + paragraph("Permet de demander un acte de naissance.") + '</Texte>'
            '<LienWeb URL="https://psl.service-public.fr/naissance"><Source>DILA</Source></LienWeb>'
            "<NumeroCerfa>13974*02</NumeroCerfa>")

    sheet = parse_sheet(sheet_xml("R1406", "Téléservice : Demande d'acte de naissance", kind="Téléservice",
                                  body=body))

    assert (sheet.family, sheet.service_url, sheet.cerfa) == (
        "teleservice", "https://psl.service-public.fr/naissance", "13974*02")


@pytest.mark.parametrize(("content", "reason"), [
    (b"<Publication ID='F1'><dc:title>", "XML illisible"),
    (b"<Menu ID='F1'/>", "élément racine inattendu « Menu »"),
    (sheet_xml("X12", "Titre"), "identifiant de fiche invalide « X12 »"),
    (sheet_xml("F12", ""), "titre (dc:title) manquant"),
    (sheet_xml("F12", "Titre", modified="2020-13-45"), "date de mise à jour"),
    (b'<!DOCTYPE lol [<!ENTITY lol "lol">]><Publication ID="F1">&lol;</Publication>', "XML refusé"),
])
def test_a_file_that_is_not_a_usable_sheet_is_refused_with_a_french_reason(content, reason):
    with pytest.raises(SheetParseError, match=re.escape(reason)):
        parse_sheet(content)
