"""Settings read from the environment, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """SQLAlchemy URL of the database (`GUICHET_DATABASE_URL`); SQLite under `var/` by default."""
    return os.environ.get("GUICHET_DATABASE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'guichet.db'}"


def knowledge_directory() -> Path:
    """Folder of the reviewed knowledge files (`GUICHET_KNOWLEDGE_DIR`); `knowledge/` by default."""
    return Path(os.environ.get("GUICHET_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")
