"""Small sheets in DILA's XML format, written by the tests, and zips of them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from assistant.sheets.parser import Sheet, parse_sheet


def sheet_xml(sheet_id: str, title: str, *, kind: str = "Fiche d'information", description: str = "",
              modified: str = "2020-07-21", body: str = "", breadcrumb: tuple[tuple[str, str], ...] = (),
              theme: str = "Papiers - Citoyenneté") -> bytes:
    """One sheet as the archive holds it (the root is ServiceComplementaire for R sheets, as DILA's)."""
    root = "ServiceComplementaire" if sheet_id.startswith("R") else "Publication"
    levels = "".join(f"<Niveau ID={quoteattr(level_id)}>{escape(name)}</Niveau>" for level_id, name in breadcrumb)
    return (
        f'<{root} xmlns:dc="http://purl.org/dc/elements/1.1/" ID="{sheet_id}" type={quoteattr(kind)}>'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(theme)}</dc:subject>"
        f"<dc:description>{escape(description)}</dc:description><dc:date>modified {modified}</dc:date>"
        f"<dc:identifier>{sheet_id}</dc:identifier><Audience>Particuliers</Audience>"
        f'<FilDAriane><Niveau ID="Particuliers">Accueil particuliers</Niveau>{levels}'
        f'<Niveau ID="{sheet_id}">{escape(title)}</Niveau></FilDAriane>'
        f'<Theme ID="N19810"><Titre>{escape(theme)}</Titre></Theme>{body}</{root}>'
    ).encode()


def paragraph(text: str) -> str:
    return f"<Paragraphe>{escape(text)}</Paragraphe>"


def simple_sheet(sheet_id: str, title: str, text: str = "", **fields) -> Sheet:
    """A parsed sheet whose body is one paragraph."""
    body = f"<Texte>{paragraph(text)}</Texte>" if text else ""
    return parse_sheet(sheet_xml(sheet_id, title, body=body, **fields))


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


@pytest.fixture
def make_zip(tmp_path):
    counter = iter(range(1000))

    def make(files: dict[str, bytes]) -> Path:
        return write_zip(tmp_path / f"vosdroits-{next(counter)}.zip", files)

    return make
