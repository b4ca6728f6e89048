"""Reads, at the action server's start, what the actions otherwise read on first use: the knowledge base,
the France Services structures and the communes (assistant.bootstrap's services).

rasa_sdk imports every module of the `actions` package before it starts listening, so this one runs then:
the server answers its health check only once the data is in memory, and the first citizens after a start
(or a new replica) do not wait 2 to 7 seconds for it. Data that cannot be read yet is read on first use, and
the log says what is missing.
"""

from __future__ import annotations

import logging
import time

from assistant.bootstrap import services_from_environment

logger = logging.getLogger(__name__)


def preload() -> None:
    started = time.perf_counter()
    summary = services_from_environment().preload()
    logger.info("Préchargé en %.1f s : %s.", time.perf_counter() - started, summary)


preload()
