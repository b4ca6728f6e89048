"""Every table of guichet's database, registered on `assistant.db.Base`: what Alembic compares its revisions
with, and what the tests create directly."""

from __future__ import annotations

import assistant.feedback.models  # noqa: F401
import assistant.handoff.models  # noqa: F401
import assistant.knowledge.models  # noqa: F401
import assistant.sheets.models  # noqa: F401
import assistant.structures.models  # noqa: F401
from assistant.db import Base

metadata = Base.metadata
