"""Building the sheets' search for the application: from the database, with its vectors cached by content.

The composition root calls `load_sheet_search` once per process; `guichet sheets import` calls
`embed_sheets` after an import when the dense side is on, so that a start finds every vector in the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import sessionmaker

from assistant.sheets.embeddings import E5Embedder, Embedder, EmbeddingCache
from assistant.sheets.parser import Sheet
from assistant.sheets.repository import list_sheets
from assistant.sheets.search import SearchSettings, SheetSearch, dense_passages

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SheetVectors:
    vectors: np.ndarray  # one row per text of `dense_passages`
    owners: np.ndarray  # the position of the sheet each row belongs to
    computed: int  # how many had to be computed (0 when the cache had them all)
    embedder: Embedder


def embed_sheets(sheets: Sequence[Sheet], cache_directory: Path, *, embedder: Embedder | None = None,
                 progress: Progress | None = None) -> SheetVectors:
    """The e5 vectors of the sheets' texts, from the cache or computed (then cached)."""
    embedder = embedder or E5Embedder()
    cache = EmbeddingCache(cache_directory, embedder)
    texts, owners = dense_passages(sheets)
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
    """The search over the imported sheets, or None when `guichet sheets import` has not run yet."""
    with session_factory() as session:
        sheets = list_sheets(session=session)
    if not sheets:
        return None
    return build_sheet_search(sheets, cache_directory=cache_directory, dense=dense, settings=settings)
