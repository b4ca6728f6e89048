"""Keeps JAX out of guichet's processes.

TensorFlow 2.12 (Rasa's) declares JAX as a dependency, so pip installs it, and two libraries then import it only
because it is there: TensorFlow's TFLite utilities, which `import rasa.core.agent` loads, and bm25s, for a top-k
selection guichet does not use (it reads bm25s' scores). Both catch the ImportError of a missing JAX. Importing
it cost 0.8 s and about 100 MB of resident memory in the Rasa server, 140 MB in the action server and in the web
app (measured on 2026-12-02; README « Throughput and memory »).
"""

from __future__ import annotations

import sys


def keep_jax_out() -> None:
    """Make `import jax` fail in this process from now on, unless JAX is loaded already (then nothing changes)."""
    sys.modules.setdefault("jax", None)  # a None entry makes Python's import raise ImportError
