"""Which answer fits a question: the curated procedures of a topic, the service-public.fr sheets, or neither.

The NLU classifier always names a topic when it can, even for a question the 15-odd curated topics do not
cover (« renouveler mon titre de séjour » looks like identity papers): a confident curated answer beside the
question costs more than no answer. So every question is also searched in the sheets, and the two must agree:
the curated answer is given when the sheets found for the question include one the topic's procedures follow
(their Service Public sheet or a sheet among their sources), or, failing that, when the classifier is sure and
the sheets are not. Otherwise the best sheets answer, when the search is confident enough; else the question
is not understood (then an advisor is offered). The thresholds are measured on the tuning half of
`bench/data/open_eval.yml` by `bench/open.py --routing`, not chosen from words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Route(Enum):
    CURATED = "curated"  # the topic's procedures (with their related sheets)
    SHEETS = "sheets"  # the best sheets alone
    NOT_UNDERSTOOD = "not_understood"  # ask to rephrase, then offer an advisor
    OUT_OF_SCOPE = "out_of_scope"  # not an administrative question


@dataclass(frozen=True)
class Thresholds:
    """Measured by `bench/open.py --routing` (README, « Open world »)."""

    agreement_depth: int = 5  # how many of the best sheets are compared with the topic's sheets
    sure_topic: float = 0.9  # a topic this sure is answered from the curated base when the sheets are unsure
    unsure_sheets: float = 0.5  # below this confidence, the sheets do not contradict a sure topic
    sheets_answer: float = 0.45  # the sheets answer alone from this confidence on
    sheets_over_out_of_scope: float = 0.75  # a message classified out of scope is answered by the sheets only if
    #                                         they are this sure


@dataclass(frozen=True)
class Evidence:
    """What is known of one question: the classifier's reading and the sheets found."""

    topic: str | None  # the curated topic the classifier read, None for another intent
    topic_confidence: float
    sheet_ids: Sequence[str]  # the best sheets, best first
    sheet_confidence: float  # the first sheet's confidence (0 to 1; 0 when none was found)
    topic_sheet_ids: frozenset[str] = frozenset()  # the sheets the topic's procedures follow
    out_of_scope: bool = False  # the classifier read a non-administrative message

    def agrees(self, depth: int) -> bool:
        return any(sheet in self.topic_sheet_ids for sheet in self.sheet_ids[:depth])


MEASURED = Thresholds()


def route(evidence: Evidence, thresholds: Thresholds = MEASURED) -> Route:
    if evidence.out_of_scope:
        return Route.SHEETS if evidence.sheet_confidence >= thresholds.sheets_over_out_of_scope else Route.OUT_OF_SCOPE
    if evidence.topic is not None:
        if evidence.agrees(thresholds.agreement_depth):
            return Route.CURATED
        if evidence.topic_confidence >= thresholds.sure_topic and evidence.sheet_confidence < thresholds.unsure_sheets:
            return Route.CURATED
    if evidence.sheet_ids and evidence.sheet_confidence >= thresholds.sheets_answer:
        return Route.SHEETS
    return Route.NOT_UNDERSTOOD
