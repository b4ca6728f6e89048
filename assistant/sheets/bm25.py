"""bm25s' index, imported without JAX: bm25s loads JAX when it is installed, for a top-k selection the sheet
search does not use (assistant/jax_blocker.py)."""

from __future__ import annotations

from assistant.jax_blocker import keep_jax_out

keep_jax_out()
from bm25s import BM25  # noqa: E402

__all__ = ["BM25"]
