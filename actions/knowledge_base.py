"""The action server's knowledge base, read once per process from the configured database."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from functools import lru_cache

from rasa_sdk import Action

from assistant import config
from assistant.knowledge import KnowledgeBase

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _knowledge_base_from_database() -> KnowledgeBase:
    return KnowledgeBase.from_database_url(config.database_url())


def shared_knowledge_base() -> KnowledgeBase:
    """Read once per process; an empty base (not loaded yet) is read again at the next turn."""
    knowledge = _knowledge_base_from_database()
    if not knowledge.procedures:
        logger.error("La base de connaissances est vide : lancez « guichet kb load » (%s).", config.database_url())
        _knowledge_base_from_database.cache_clear()
    return knowledge


class KnowledgeAction(Action, ABC):
    """An action that reads the knowledge base; tests pass their own, the server uses the shared one.

    Abstract, so that rasa_sdk, which registers every subclass of `Action`, skips it.
    """

    def __init__(self, knowledge: KnowledgeBase | None = None):
        self._knowledge = knowledge

    @abstractmethod
    def name(self) -> str: ...

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._knowledge or shared_knowledge_base()
