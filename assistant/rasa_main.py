"""`python -m assistant.rasa_main run …`: Rasa's own command line, started without JAX (assistant/jax_blocker.py).

The Rasa server imports TensorFlow before it reads any of guichet's modules, so JAX can only be kept out by
the command that starts it; the arguments are Rasa's, unchanged.
"""

from __future__ import annotations

from pathlib import Path

from assistant.jax_blocker import keep_jax_out


def rasa_command(python: Path | str) -> list[str]:
    """The start of the command line that runs Rasa this way with `python` (followed by Rasa's arguments)."""
    return [str(python), "-m", "assistant.rasa_main"]


def main() -> None:
    keep_jax_out()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
