"""Reading an imported file from a local path or an http(s) URL: the official lists come from either."""

from __future__ import annotations

import re
from pathlib import Path

import requests

DOWNLOAD_TIMEOUT_SECONDS = 60


def read_bytes(source: str | Path, timeout: float = DOWNLOAD_TIMEOUT_SECONDS) -> bytes:
    """The file's bytes; OSError or requests.RequestException when it cannot be read (the importers say so in
    French, naming what they were reading)."""
    text_source = str(source)
    if re.match(r"^https?://", text_source):
        response = requests.get(text_source, timeout=timeout)
        response.raise_for_status()
        return response.content
    return Path(text_source).read_bytes()
