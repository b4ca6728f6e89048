"""Parse one service-public.fr sheet (DILA's XML, schema 3.3) into a plain `Sheet`.

A sheet's body is kept as sections, not as one blob of text: the search weighs a chapter's title apart
from its paragraphs, a « quels papiers ? » follow-up shows the section about the documents to bring, and the
advisors' printable view lists a sheet's key sections. What the XML holds only for navigation (the parent
dossier's table of contents, the glossary of the page, the legal references, conditions for the guided
forms) stays out of the body, so that a sheet is found for what it says, not for its neighbours' titles.

The XML comes from a downloaded archive: it is parsed with defusedxml, which refuses entity expansion
and external references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# Raised when a change here stores sheets differently: the next import then rewrites every row.
PARSER_VERSION = 1
DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"
LIVE_URL = "https://www.service-public.gouv.fr/particuliers/vosdroits/{id}"
SHEET_ID = re.compile(r"^[FNR]\d+$")
ROOT_TAGS = ("Publication", "ServiceComplementaire")
_MODIFIED = re.compile(r"modified\s+(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"\s+")
# Elements that point to another sheet, and the attribute holding its id.
_LINK_ATTRIBUTES = {"LienInterne": "LienPublication", "Fiche": "ID", "Dossier": "ID", "QuestionReponse": "ID",
                    "CommentFaireSi": "ID", "FicheLiee": "ID", "ServiceEnLigne": "ID"}
# What a sheet's family is, from its official type: fiches answer, dossiers and guided searches lead to
# fiches, the others are tools (online services, forms, letter templates, simulators).
FAMILIES = {
    "Fiche d'information": "fiche",
    "Fiche d'information conditionnée": "fiche",
    "Fiche Question-réponse": "question",
    "Fiche Question-réponse conditionnée": "question",
    "Fiche Comment faire si": "fiche",
    "Fiche Comment faire si - simulateur": "fiche",
    "Fiche avec liens externes": "fiche",
    "Dossier": "dossier",
    "Theme": "dossier",
    "Recherche guidée": "dossier",
    "Téléservice": "teleservice",
    "Téléservice personnalisé sur SP": "teleservice",
    "Formulaire": "formulaire",
    "Modèle de document": "modele",
    "Simulateur": "simulateur",
    "Outil de recherche": "simulateur",
}
# How a family is named to a citizen or an advisor.
FAMILY_LABELS = {"fiche": "Fiche pratique", "question": "Question-réponse", "dossier": "Dossier",
                 "teleservice": "Téléservice", "formulaire": "Formulaire", "modele": "Modèle de document",
                 "simulateur": "Simulateur"}
# Elements whose text is not the sheet's own content: navigation, glossary, references, guided-form logic.
_NOT_CONTENT = frozenset({
    "Condition", "estVrai", "estIndefini", "affecteVrai", "affecteFaux", "SiSelectionne", "Variable",
    "Reference", "Definition", "Abreviation", "Source", "RessourceWeb", "DossierPere", "Theme", "FilDAriane",
    "RechercheGuidee", "PivotLocal", "Image", "Illustration", "Credits", "Partenaire",
})
# Words that tell a chapter is about the papers to bring (besides the official `type="pieces"`).
_DOCUMENTS_TITLE = re.compile(
    r"\b(pi[eè]ces?|documents?|papiers|justificatifs?)\b.{0,20}\b(justificati\w*|fournir|joindre|pr[ée]senter|"
    r"exig[ée]s|n[ée]cessaires|obligatoires)\b|\bquels?\s+(justificatifs?|documents?|pi[eè]ces|papiers)\b"
    r"|\bconstitu\w+\s+du\s+dossier",
    re.IGNORECASE,
)
# A space the XML leaves between an inline element and the punctuation after it (« habilité . »).
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([.,)])")


class SheetParseError(ValueError):
    """The file is not a sheet that can be shown: not XML, another document, or a required field missing."""


@dataclass(frozen=True)
class Section:
    """One part of a sheet's body, as the page shows it: a title (situation › chapter), plain text."""

    title: str
    kind: str  # introduction, texte, situation, chapitre, ou_s_adresser, services, pour_en_savoir_plus, avertissement
    text: str
    about_documents: bool = False

    def to_json(self) -> dict:
        return {"title": self.title, "kind": self.kind, "text": self.text, "about_documents": self.about_documents}

    @classmethod
    def from_json(cls, value: dict) -> Section:
        return cls(value["title"], value["kind"], value["text"], bool(value.get("about_documents")))


@dataclass(frozen=True)
class OnlineService:
    """A téléservice, form, simulator or template a sheet points to, with its address when it has one."""

    id: str | None
    title: str
    url: str | None
    kind: str

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "url": self.url, "kind": self.kind}

    @classmethod
    def from_json(cls, value: dict) -> OnlineService:
        return cls(value.get("id"), value["title"], value.get("url"), value.get("kind") or "")


class SheetIdentity:
    """What a sheet's id and official type tell, for a whole sheet and for a search result alike."""

    id: str
    kind: str

    @property
    def url(self) -> str:
        """The live page: the citizen reads today's text there, whatever the date of this copy."""
        return live_url(self.id)

    @property
    def family(self) -> str:
        return family_of(self.kind)


@dataclass(frozen=True)
class Sheet(SheetIdentity):
    id: str
    kind: str  # the official type: « Fiche d'information », « Fiche Question-réponse », « Téléservice »…
    title: str
    description: str
    subject: str
    modified: date
    audiences: tuple[str, ...] = ()
    breadcrumb: tuple[tuple[str, str], ...] = ()  # (id, title) of the levels above the sheet, home page excluded
    themes: tuple[str, ...] = ()
    dossier_part: str = ""  # the part of its dossier the sheet sits in (« Pour un mineur »)
    sections: tuple[Section, ...] = ()
    links: tuple[str, ...] = ()  # other sheets it points to, in order of first mention
    services: tuple[OnlineService, ...] = ()
    service_url: str | None = None  # for a téléservice, form or simulator: where it is
    cerfa: str | None = None
    questions: tuple[tuple[str, str], ...] = field(default=())  # (id, question) of the related Q&A sheets
    anchors: tuple[tuple[str, str], ...] = ()  # (id, words) of its links to other sheets: how it names them


def live_url(sheet_id: str) -> str:
    return LIVE_URL.format(id=sheet_id)


def family_of(kind: str) -> str:
    """fiche, question, dossier, teleservice, formulaire, modele or simulateur (unknown types count as fiches)."""
    return FAMILIES.get(kind, "fiche")


def parse_sheet(content: bytes) -> Sheet:
    """The sheet in one XML file; SheetParseError (with a French reason) when it cannot be shown."""
    try:
        root = fromstring(content)
    except DefusedXmlException as error:
        raise SheetParseError(f"XML refusé ({type(error).__name__})") from error
    except SyntaxError as error:  # xml.etree's ParseError
        raise SheetParseError(f"XML illisible ({error})") from error
    if root.tag not in ROOT_TAGS:
        raise SheetParseError(f"élément racine inattendu « {root.tag} » (attendu Publication ou ServiceComplementaire)")
    sheet_id = (root.get("ID") or "").strip()
    if not SHEET_ID.match(sheet_id):
        raise SheetParseError(f"identifiant de fiche invalide « {sheet_id} »")
    title = _clean(root.findtext(f"{DUBLIN_CORE}title"))
    if not title:
        raise SheetParseError("titre (dc:title) manquant")
    modified = _modified(root.findtext(f"{DUBLIN_CORE}date"))
    if modified is None:
        raise SheetParseError("date de mise à jour (dc:date « modified AAAA-MM-JJ ») manquante ou invalide")
    sections = tuple(section for section in _sections(root) if section.text or section.title)
    services = _services(root)
    return Sheet(
        id=sheet_id,
        kind=(root.get("type") or "").strip(),
        title=title,
        description=_clean(root.findtext(f"{DUBLIN_CORE}description")),
        subject=_clean(root.findtext(f"{DUBLIN_CORE}subject")),
        modified=modified,
        audiences=tuple(_clean(element.text) for element in root.findall("Audience") if _clean(element.text)),
        breadcrumb=tuple(
            (level.get("ID") or "", _clean(level.text))
            for level in root.findall("FilDAriane/Niveau")
            if level.get("ID") not in ("Particuliers", sheet_id)
        ),
        themes=tuple(_clean(theme.findtext("Titre")) for theme in root.findall("Theme")),
        dossier_part=_clean(root.findtext("SousDossierPere")),
        sections=sections,
        links=_links(root, sheet_id),
        anchors=_anchors(root, sheet_id),
        services=services,
        service_url=_service_url(root),
        cerfa=_clean(root.findtext("NumeroCerfa")) or None,
        questions=tuple(
            (element.get("ID") or "", _clean("".join(element.itertext())))
            for element in root.findall("QuestionReponse")
        ),
    )


def _modified(value: str | None) -> date | None:
    match = _MODIFIED.search(value or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _clean(text: str | None) -> str:
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text or "")).strip()


def _links(root: Element, own_id: str) -> tuple[str, ...]:
    """The other sheets a sheet points to, in order of first mention: inline links, related questions, « voir
    aussi », linked sheets and services, its parent dossier; not the parent dossier's table of contents."""
    found: dict[str, None] = {}

    def visit(element: Element) -> None:
        if element.tag in _LINK_ATTRIBUTES:
            target = (element.get(_LINK_ATTRIBUTES[element.tag]) or "").strip()
            if SHEET_ID.match(target) and target != own_id:
                found.setdefault(target, None)
        for child in element:
            if child.tag not in ("DossierPere", "FilDAriane", "Theme", "Source"):
                visit(child)

    visit(root)
    for relation in root.findall(f"{DUBLIN_CORE}relation"):
        target = (relation.text or "").split()[-1:]
        if target and SHEET_ID.match(target[0]) and target[0] != own_id:
            found.setdefault(target[0], None)
    return tuple(found)


def _anchors(root: Element, own_id: str) -> tuple[tuple[str, str], ...]:
    """The words a sheet uses to point to other sheets (« l'autorité parentale » for F18605; a dossier's « Carte
    perdue » for F1344), once each: other words for a sheet's subject than its own title."""
    found: dict[tuple[str, str], None] = {}
    for tag, attribute in (("LienInterne", "LienPublication"), ("Fiche", "ID")):
        for element in root.iter(tag):
            target = (element.get(attribute) or "").strip()
            words = _clean("".join(element.itertext()) if tag == "LienInterne" else element.text)
            if SHEET_ID.match(target) and target != own_id and words:
                found.setdefault((target, words), None)
    return tuple(found)


def _sections(root: Element) -> Iterator[Section]:
    """The body in reading order."""
    for element in root:
        tag = element.tag
        if tag == "Introduction":
            yield Section("Introduction", "introduction", _render(element))
        elif tag == "Texte":
            yield from _text_sections(element, (), "texte")
        elif tag == "ListeSituations":
            for situation in element.findall("Situation"):
                heading = (_heading(situation),)
                for text in situation.findall("Texte"):
                    yield from _text_sections(text, heading, "situation")
        elif tag == "Avertissement":
            yield Section(_heading(element) or "Avertissement", "avertissement",
                          _render(element.find("Texte")))
        elif tag in ("Questionnaire", "Problematiques"):
            yield Section("", "texte", _render(element))
    where = [_contact(element) for element in root.findall("OuSAdresser")]
    if where:
        yield Section("Où s'adresser ?", "ou_s_adresser", "\n".join(where))
    online = [_clean(_heading(element)) for element in root.findall("ServiceEnLigne")]
    if online:
        yield Section("Services en ligne et formulaires", "services", "\n".join(f"- {title}" for title in online))
    more = [_clean(_heading(element)) for element in root.findall("PourEnSavoirPlus")]
    if more:
        yield Section("Pour en savoir plus", "pour_en_savoir_plus", "\n".join(f"- {title}" for title in more))


def _text_sections(text: Element, heading: tuple[str, ...], kind: str) -> Iterator[Section]:
    """A `Texte`: what precedes its first chapter is one section (titled by the situation, if any), then one
    section per chapter."""
    lead: list[str] = []
    chapters: list[Element] = []
    for child in text:
        if child.tag == "Chapitre":
            chapters.append(child)
        else:
            _render_into(child, lead, depth=0)
    if lead:
        yield Section(" › ".join(heading), kind, "\n".join(lead))
    elif heading and not chapters:
        yield Section(" › ".join(heading), kind, "")
    for chapter in chapters:
        title = _heading(chapter)
        lines: list[str] = []
        for child in chapter:
            if child.tag != "Titre":
                _render_into(child, lines, depth=0)
        titles = [title, *(_heading(part) for part in chapter.iter("SousChapitre"))]
        yield Section(" › ".join((*heading, title) if title else heading), "chapitre", "\n".join(lines),
                      about_documents=chapter.get("type") == "pieces"
                      or any(_DOCUMENTS_TITLE.search(text) for text in titles))


def _heading(element: Element) -> str:
    title = element.find("Titre")
    return _clean("".join(title.itertext())) if title is not None else ""


def _render(element: Element | None) -> str:
    lines: list[str] = []
    if element is not None:
        for child in element:
            _render_into(child, lines, depth=0)
    return "\n".join(lines)


def _render_into(element: Element, lines: list[str], depth: int) -> None:
    """Plain text of a body element: one line per paragraph, « - » before list items, titles of
    sub-chapters and cases as their own lines, tables row by row."""
    tag = element.tag
    if tag in _NOT_CONTENT:
        return
    if tag in ("Paragraphe", "Titre"):
        line = _clean("".join(_content_text(element)))
        if line:
            lines.append(line)
    elif tag == "Item":
        start = len(lines)
        for child in element:
            _render_into(child, lines, depth + 1)
        if len(lines) > start:
            lines[start] = "- " + lines[start]
    elif tag == "Rangée":
        cells = [_clean(" ".join(_content_text(cell))) for cell in element.findall("Cellule")]
        if any(cells):
            lines.append(" | ".join(cells))
    elif tag in ("OuSAdresser", "ServiceEnLigne", "LienExterneCommente"):
        title = _heading(element) or _clean("".join(_content_text(element)))
        label = {"OuSAdresser": "Où s'adresser", "ServiceEnLigne": "En ligne"}.get(tag, "Lien")
        if title:
            lines.append(f"{label} : {title}")
    else:
        for child in element:
            _render_into(child, lines, depth + 1)


def _content_text(element: Element) -> Iterator[str]:
    """The element's text, without the text of the elements that are not content (conditions)."""
    if element.tag in _NOT_CONTENT:
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _content_text(child)
        if child.tail:
            yield child.tail


def _contact(element: Element) -> str:
    """One « où s'adresser » entry: the office, its note, and its own text (phone numbers, hours)."""
    head = " — ".join(part for part in (_heading(element), _clean(element.findtext("Complement"))) if part)
    body = _render(element.find("Texte"))
    return "\n".join(line for line in (f"- {head}" if head else "", body) if line)


def _services(root: Element) -> tuple[OnlineService, ...]:
    found: dict[str, OnlineService] = {}
    for element in root.iter("ServiceEnLigne"):
        title = _heading(element)
        key = element.get("ID") or title
        if title and key not in found:
            found[key] = OnlineService(element.get("ID"), title, element.get("URL"), element.get("type") or "")
    return tuple(found.values())


def _service_url(root: Element) -> str | None:
    """Where a téléservice, form or simulator sheet leads (its first web link)."""
    link = root.find("LienWeb")
    return link.get("URL") if link is not None and link.get("URL") else None
