"""Reads, at the action server's start, what the actions otherwise read on first use: the knowledge base,
the France Services structures and the communes.

rasa_sdk imports every module of the `actions` package before it starts listening, so this one runs then:
the server answers its health check only once the data is in memory, and the first citizens after a start
(or a new replica) do not wait 2 to 7 seconds for it. If the database cannot be read yet, the actions read
it on first use, as before, and say what is missing in their logs.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import SQLAlchemyError

from actions.knowledge_base import shared_knowledge_base
from actions.structures import shared_resolver, shared_structure_index

logger = logging.getLogger(__name__)


def preload() -> None:
    started = time.perf_counter()
    try:
        knowledge = shared_knowledge_base()
        index = shared_structure_index()
    except SQLAlchemyError:
        logger.exception("Préchargement impossible : les données seront lues à la première demande.")
        return
    knowledge.search("carte vitale")  # builds the search index
    knowledge.partners_mentioned("caf")  # and the partners' matcher
    communes = len(shared_resolver().directory.communes)
    logger.info("Préchargé en %.1f s : %d démarches, %s structures, %d communes.", time.perf_counter() - started,
                len(knowledge.procedures), len(index.structures) if index is not None else "aucune", communes)


preload()
