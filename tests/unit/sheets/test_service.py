from __future__ import annotations

import assistant.sheets.search as search_module
import assistant.sheets.service as service_module
from assistant.sheets.importer import import_sheets
from assistant.sheets.service import INDEX_FOLDER, load_sheet_search
from tests.unit.sheets.conftest import paragraph, sheet_xml

FILES = {
    "F2213.xml": sheet_xml("F2213", "Naturalisation", body=f"<Texte>{paragraph('Par décret, après 5 ans.')}</Texte>"),
    "F1427.xml": sheet_xml("F1427", "Acte de naissance : demande de copie intégrale ou d'extrait"),
    "R1406.xml": sheet_xml("R1406", "Téléservice : Demande d'acte de naissance", kind="Téléservice"),
}


def ids(search, question):
    return [(hit.sheet.id, round(hit.score, 6), round(hit.confidence, 6)) for hit in search.search(question)]


def test_a_second_start_restores_the_index_instead_of_analysing_the_sheets(session_factory, make_zip, tmp_path,
                                                                           monkeypatch):
    import_sheets(session_factory, make_zip(FILES))
    built = load_sheet_search(session_factory, cache_directory=tmp_path / "cache", dense=False)

    def no_analysis(*arguments, **keywords):
        raise AssertionError("the sheets were analysed again")

    monkeypatch.setattr(search_module, "analyse_sheet", no_analysis)
    restored = load_sheet_search(session_factory, cache_directory=tmp_path / "cache", dense=False)

    for question in ("naturalisaton", "acte de naissance", "copie integrale"):
        assert ids(restored, question) == ids(built, question)
    assert restored.summary("F1427").title == "Acte de naissance : demande de copie intégrale ou d'extrait"


def test_a_changed_corpus_builds_a_new_index_and_removes_the_old(session_factory, make_zip, tmp_path):
    cache = tmp_path / "cache"
    import_sheets(session_factory, make_zip(FILES))
    load_sheet_search(session_factory, cache_directory=cache, dense=False)
    first = list((cache / INDEX_FOLDER).iterdir())
    import_sheets(session_factory, make_zip({**FILES, "F2213.xml": sheet_xml("F2213", "Naturalisation par décret")}))

    search = load_sheet_search(session_factory, cache_directory=cache, dense=False)

    second = list((cache / INDEX_FOLDER).iterdir())
    assert len(first) == len(second) == 1 and first != second
    assert search.summary("F2213").title == "Naturalisation par décret"


def test_new_everyday_wordings_build_a_new_index(session_factory, make_zip, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    import_sheets(session_factory, make_zip(FILES))
    monkeypatch.setattr(service_module, "load_wordings", lambda: {})
    before = load_sheet_search(session_factory, cache_directory=cache, dense=False)
    monkeypatch.setattr(service_module, "load_wordings", lambda: {"F2213": ("cérémonie de la citoyenneté",)})

    after = load_sheet_search(session_factory, cache_directory=cache, dense=False)

    assert before.search("cérémonie de citoyenneté") == []
    assert after.search("cérémonie de citoyenneté")[0].sheet.id == "F2213"
    assert len(list((cache / INDEX_FOLDER).iterdir())) == 1


def test_a_damaged_index_is_rebuilt(session_factory, make_zip, tmp_path):
    cache = tmp_path / "cache"
    import_sheets(session_factory, make_zip(FILES))
    load_sheet_search(session_factory, cache_directory=cache, dense=False)
    (next((cache / INDEX_FOLDER).iterdir()) / "words.json").write_text("{broken", encoding="utf-8")

    search = load_sheet_search(session_factory, cache_directory=cache, dense=False)

    assert search.search("naturalisation")[0].sheet.id == "F2213"


def test_no_search_before_the_first_import(session_factory, tmp_path):
    assert load_sheet_search(session_factory, cache_directory=tmp_path, dense=False) is None
