"""Building the sheets' search for the application: from the database, with its vectors cached by content.

The composition root calls `load_sheet_search` once per process; `guichet sheets import` calls
`embed_sheets` after an import when the dense side is on, so that a start finds every vector in the cache.
Both the lexical index and the vectors are cached by content under the cache directory (`var/cache/`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import sessionmaker

from assistant.sheets.analysis import STEM_EXCEPTIONS
from assistant.sheets.embeddings import E5Embedder, Embedder, EmbeddingCache
from assistant.sheets.parser import Sheet
from assistant.sheets.repository import corpus_fingerprints, list_sheet_summaries, list_sheets
from assistant.sheets.search import (
    INDEX_VERSION,
    SearchSettings,
    SheetSearch,
    SheetSummary,
    dense_passages,
    summarise,
)
from assistant.sheets.wordings import Wordings, load_wordings, wordings_digest
from assistant.text import STOP_WORDS

Progress = Callable[[int, int], None]
INDEX_FOLDER = "sheet-index"


@dataclass(frozen=True)
class SheetVectors:
    vectors: np.ndarray  # one row per text of `dense_passages`
    owners: np.ndarray  # the position of the sheet each row belongs to
    computed: int  # how many had to be computed (0 when the cache had them all)
    embedder: Embedder


def embed_sheets(sheets: Sequence[Sheet], cache_directory: Path, *, embedder: Embedder | None = None,
                 progress: Progress | None = None, threads: int = 1, wordings: Wordings | None = None) -> SheetVectors:
    """The e5 vectors of the sheets' texts, from the cache or computed (then cached). `threads`: for a batch
    job such as the import, every core (a server keeps one, to answer questions without spinning)."""
    embedder = embedder or E5Embedder(cache_directory, threads=threads)
    cache = EmbeddingCache(cache_directory, embedder)
    texts, owners = dense_passages(sheets, wordings)
    vectors = cache.vectors(texts, progress=progress)
    return SheetVectors(vectors, owners, cache.computed, embedder)


def build_sheet_search(sheets: Sequence[Sheet], *, cache_directory: Path, dense: bool,
                       settings: SearchSettings | None = None, embedder: Embedder | None = None,
                       progress: Progress | None = None) -> SheetSearch:
    """The search over these sheets; with `dense`, e5's vectors (from the cache, computed when missing)."""
    search = SheetSearch(sheets, settings=settings)
    if dense and sheets:
        embedded = embed_sheets(sheets, cache_directory, embedder=embedder, progress=progress)
        search.attach_vectors(embedded.vectors, embedded.embedder, embedded.owners)
    return search


def load_sheet_search(session_factory: sessionmaker, *, cache_directory: Path, dense: bool,
                      settings: SearchSettings | None = None) -> SheetSearch | None:
    """The search over the imported sheets, or None when `guichet sheets import` has not run yet.

    The lexical index is kept under `cache_directory/sheet-index/<key>`, the key hashing the sheets' content
    hashes, the everyday wordings, the index's settings and the analysis (stop words, stems): a start on the same
    corpus restores it instead of analysing every sheet again; any change builds a new one and removes the old."""
    settings = settings or SearchSettings()
    wordings = load_wordings()
    with session_factory() as session:
        fingerprints = corpus_fingerprints(session=session)
        if not fingerprints:
            return None
        directory = Path(cache_directory) / INDEX_FOLDER / index_key(fingerprints, settings, wordings)
        sheets = list_sheets(session=session) if dense or not directory.is_dir() else None
        summaries = [summarise(sheet) for sheet in sheets] if sheets else list_sheet_summaries(session=session)
        search = _restored(directory, summaries, settings)
        if search is None:
            sheets = sheets or list_sheets(session=session)
    if search is None:
        search = SheetSearch(sheets, settings=settings, wordings=wordings)
        _save(search, directory)
    if dense:
        embedded = embed_sheets(sheets, cache_directory, wordings=wordings)
        search.attach_vectors(embedded.vectors, embedded.embedder, embedded.owners)
    return search


def index_key(fingerprints: Mapping[str, str], settings: SearchSettings, wordings: Wordings) -> str:
    """What the lexical index depends on: every sheet's content, the everyday wordings, the BM25 settings, the
    indexed fields, the stop words and stem exceptions, and the index's version."""
    digest = hashlib.sha256(json.dumps({
        "version": INDEX_VERSION, "k1": settings.bm25_k1, "b": settings.bm25_b,
        "fields": sorted(name for name, weight in settings.field_weights.items() if weight),
        "stop_words": sorted(STOP_WORDS), "stem_exceptions": STEM_EXCEPTIONS, "wordings": wordings_digest(wordings),
    }, sort_keys=True).encode())
    for sheet_id in sorted(fingerprints):
        digest.update(f"{sheet_id}:{fingerprints[sheet_id]}\n".encode())
    return digest.hexdigest()[:32]


def _restored(directory: Path, summaries: list[SheetSummary], settings: SearchSettings) -> SheetSearch | None:
    if not directory.is_dir():
        return None
    try:
        return SheetSearch.restore(directory, summaries, settings=settings)
    except (OSError, ValueError, KeyError):
        return None  # a damaged or foreign index is rebuilt, never trusted


def _save(search: SheetSearch, directory: Path) -> None:
    """Write the index beside the old ones, then keep it alone (a reader never sees a half-written index)."""
    temporary = directory.with_name(f".{directory.name}.{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    search.save(temporary)
    shutil.rmtree(directory, ignore_errors=True)
    os.replace(temporary, directory)
    for other in directory.parent.iterdir():
        if other != directory and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)
