"""Settings read from the environment, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The August 2024 copy of the official list, in the read-only shared folder beside the clone.
SHARED_STRUCTURES_LIST = PROJECT_ROOT.parent / "shared" / "data" / "france-services-liste-fs-20240801.csv"


def database_url() -> str:
    """SQLAlchemy URL of the database (`GUICHET_DATABASE_URL`); SQLite under `var/` by default."""
    return os.environ.get("GUICHET_DATABASE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'guichet.db'}"


def knowledge_directory() -> Path:
    """Folder of the reviewed knowledge files (`GUICHET_KNOWLEDGE_DIR`); `knowledge/` by default."""
    return Path(os.environ.get("GUICHET_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")


def structures_source() -> str:
    """The official list of structures (`GUICHET_STRUCTURES_SOURCE`): the shared August 2024 copy beside
    the clone when present, else the live file on data.gouv.fr."""
    from assistant.structures.importer import OFFICIAL_URL

    configured = os.environ.get("GUICHET_STRUCTURES_SOURCE")
    if configured:
        return configured
    return str(SHARED_STRUCTURES_LIST) if SHARED_STRUCTURES_LIST.exists() else OFFICIAL_URL
