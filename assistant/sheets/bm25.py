"""bm25s' index, imported without JAX (bm25s loads JAX when it is installed, for a top-k selection the sheet
search does not use: assistant/jax_blocker.py), and its scores summed faster than bm25s does on this numpy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.jax_blocker import keep_jax_out

keep_jax_out()
from bm25s import BM25  # noqa: E402

__all__ = ["BM25", "scores"]


def scores(index: BM25, stems: Sequence[str]) -> np.ndarray:
    """What `index.get_scores(stems)` returns (every stem known to the index), with one `np.bincount` over the
    stems' postings instead of bm25s' `np.add.at` per stem: `ufunc.at` is slow before numpy 1.25 (Rasa pins
    1.23), about 3 ms of a question's 5–10 on the sheets' indexes."""
    matrix = index.scores
    ids = np.array([index.vocab_dict[stem] for stem in stems], dtype=np.int64)
    starts = matrix["indptr"][ids].astype(np.int64)
    lengths = matrix["indptr"][ids + 1] - starts
    positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    return np.bincount(matrix["indices"][positions], weights=matrix["data"][positions],
                       minlength=matrix["num_docs"]).astype(np.float32)
