"""Settings read from the environment, with defaults that work on a fresh clone.

A leaf: nothing of guichet is imported here. Values are plain (text, paths, numbers); the modules that use a
setting parse it (`LiveHours.parse`, `RateLimitSettings.from_environment`…), so that reading the configuration
never loads the domain."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The August 2024 copy of the official list, in the read-only shared folder beside the clone.
SHARED_STRUCTURES_LIST = PROJECT_ROOT.parent / "shared" / "data" / "france-services-liste-fs-20240801.csv"
# The live file on data.gouv.fr (ANCT's stable resource URL), when the shared copy is not there.
OFFICIAL_STRUCTURES_URL = "https://www.data.gouv.fr/fr/datasets/r/31576dff-fd61-4de9-819f-32c2f880b142"
# The service-public.fr sheets of 12 November 2020 in the same shared folder, and DILA's live archive.
SHARED_SHEETS_ARCHIVE = PROJECT_ROOT.parent / "shared" / "data" / "vosdroits-particuliers-20201112.zip"
LIVE_SHEETS_ARCHIVE = "https://lecomarquage.service-public.fr/vdd/3.3/part/zip/vosdroits-latest.zip"


def database_url() -> str:
    """SQLAlchemy URL of the database (`GUICHET_DATABASE_URL`); SQLite under `var/` by default."""
    return os.environ.get("GUICHET_DATABASE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'guichet.db'}"


def tracker_database_url() -> str:
    """SQLAlchemy URL of Rasa's tracker store (`GUICHET_TRACKER_DATABASE_URL`), which `guichet purge` cleans;
    by default the SQLite file endpoints.yml names, `var/rasa-tracker.db`."""
    return os.environ.get("GUICHET_TRACKER_DATABASE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa-tracker.db'}"


def knowledge_directory() -> Path:
    """Folder of the reviewed knowledge files (`GUICHET_KNOWLEDGE_DIR`); `knowledge/` by default."""
    return Path(os.environ.get("GUICHET_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")


def structures_source() -> str:
    """The official list of structures (`GUICHET_STRUCTURES_SOURCE`): the shared August 2024 copy beside
    the clone when present, else the live file on data.gouv.fr."""
    configured = os.environ.get("GUICHET_STRUCTURES_SOURCE")
    if configured:
        return configured
    return str(SHARED_STRUCTURES_LIST) if SHARED_STRUCTURES_LIST.exists() else OFFICIAL_STRUCTURES_URL


def sheets_source() -> str:
    """The service-public.fr sheets (`GUICHET_SHEETS_SOURCE`, a zip's path or URL): the shared November 2020
    copy beside the clone when present, else DILA's live archive."""
    configured = os.environ.get("GUICHET_SHEETS_SOURCE")
    if configured:
        return configured
    return str(SHARED_SHEETS_ARCHIVE) if SHARED_SHEETS_ARCHIVE.exists() else LIVE_SHEETS_ARCHIVE


def sheets_dense() -> bool:
    """Mix e5 vectors into the sheets' search (`GUICHET_SHEETS_DENSE=1`): a few points of accuracy for about
    10 ms of CPU per question (bench/open.py); off by default, the lexical search answers alone."""
    return os.environ.get("GUICHET_SHEETS_DENSE", "").lower() in ("1", "true", "yes")


def cache_directory() -> Path:
    """Where results computed from data are kept between starts, keyed by their input's content
    (`GUICHET_CACHE_DIR`; `var/cache/` by default): the sheets' embeddings, for example."""
    return Path(os.environ.get("GUICHET_CACHE_DIR") or PROJECT_ROOT / "var" / "cache")


def rasa_url() -> str:
    """The Rasa server's HTTP API (`GUICHET_RASA_URL`), used by the web app to resume conversations."""
    return (os.environ.get("GUICHET_RASA_URL") or "http://127.0.0.1:5005").rstrip("/")


def rasa_token() -> str | None:
    """The token of Rasa's HTTP API (`GUICHET_RASA_TOKEN`), the same value given to `rasa run --auth-token`."""
    return os.environ.get("GUICHET_RASA_TOKEN") or None


def session_secret() -> str | None:
    """The key signing advisors' session cookies (`GUICHET_SESSION_SECRET`); never a default in the code."""
    return os.environ.get("GUICHET_SESSION_SECRET") or None


def secure_cookies() -> bool:
    """Send session cookies over HTTPS only (`GUICHET_SECURE_COOKIES=1`, for production behind TLS)."""
    return os.environ.get("GUICHET_SECURE_COOKIES", "").lower() in ("1", "true", "yes")


def live_hours() -> str | None:
    """When advisors answer live (`GUICHET_LIVE_HOURS`, Paris time, e.g. "1-5 09:00-17:00"); None: the default
    of `assistant.handoff.advisors.LiveHours`."""
    return os.environ.get("GUICHET_LIVE_HOURS") or None


def cors_origins() -> tuple[str, ...]:
    """Origins of the sites embedding the widget (`GUICHET_CORS_ORIGINS`, comma-separated); none by default."""
    return tuple(origin.strip() for origin in os.environ.get("GUICHET_CORS_ORIGINS", "").split(",") if origin.strip())


def public_rasa_url() -> str:
    """The REST channel as browsers reach it (`GUICHET_PUBLIC_RASA_URL`), for the demo page's widget."""
    return (os.environ.get("GUICHET_PUBLIC_RASA_URL") or "http://localhost:5005").rstrip("/")


def trusted_proxies() -> tuple[str, ...]:
    """Reverse proxies whose X-Forwarded-For header names the client (`GUICHET_TRUSTED_PROXIES`,
    comma-separated addresses or networks); none by default, so the peer address is the client."""
    return tuple(entry.strip() for entry in os.environ.get("GUICHET_TRUSTED_PROXIES", "").split(",") if entry.strip())


def rate_limits() -> dict[str, str | None]:
    """Limits per client on the public endpoints, in `limits`' notation: `GUICHET_RATE_LIMIT` for messages to
    the assistant and ratings, `GUICHET_RATE_LIMIT_POLLING` for the handoff polling, `GUICHET_RATE_LIMIT_LOGIN`
    for advisors' login attempts; counters in `GUICHET_RATE_LIMIT_STORAGE` (a redis:// URL shares them between
    replicas). None where unset: `assistant.ratelimit` holds the defaults."""
    return {"public": os.environ.get("GUICHET_RATE_LIMIT") or None,
            "polling": os.environ.get("GUICHET_RATE_LIMIT_POLLING") or None,
            "login": os.environ.get("GUICHET_RATE_LIMIT_LOGIN") or None,
            "storage_uri": os.environ.get("GUICHET_RATE_LIMIT_STORAGE") or None}
