"""The action server's knowledge base, read once per process from the configured database."""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import lru_cache

from rasa_sdk import Action

from assistant import config
from assistant.knowledge import KnowledgeBase


@lru_cache(maxsize=1)
def shared_knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.from_database_url(config.database_url())


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
