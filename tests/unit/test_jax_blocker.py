"""JAX stays out of guichet's processes: it is installed (TensorFlow requires it), so these tests can fail."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest


def jax_installed() -> bool:
    """Asked of the installed distributions: in this process, `import jax` may be blocked already."""
    try:
        return bool(version("jax"))
    except PackageNotFoundError:
        return False


pytestmark = pytest.mark.skipif(not jax_installed(), reason="JAX n'est pas installé : rien à tenir à l'écart")


def jax_imported_after(code: str) -> str:
    """Run `code` in a fresh interpreter and print whether JAX was imported there."""
    probe = f"{code}\nimport sys\nprint('jax' in sys.modules and sys.modules['jax'] is not None)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_the_sheet_search_imports_bm25s_without_jax():
    assert jax_imported_after("import bm25s") == "True"  # what happens without the blocker
    assert jax_imported_after("import assistant.sheets.search") == "False"


def test_rasa_loads_its_agent_without_jax_once_blocked():
    code = "from assistant.jax_blocker import keep_jax_out\nkeep_jax_out()\nimport rasa.core.agent"

    assert jax_imported_after(code) == "False"
