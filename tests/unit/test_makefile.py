"""The Makefile's search for Python 3.10: on PATH, else through pyenv, else a clear French message."""

from __future__ import annotations

import shutil
import subprocess

from assistant.config import PROJECT_ROOT

TOOLS = ("bash", "sh", "grep", "sort", "tail", "test", "echo")


def make_with_path(tmp_path, *extra_tools: tuple[str, str]) -> subprocess.CompletedProcess:
    """Run `make setup` in a copy of the Makefile with a PATH holding only basic tools and `extra_tools`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        if found := shutil.which(tool):
            (bin_dir / tool).symlink_to(found)
    for name, script in extra_tools:
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    environment = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    return subprocess.run([shutil.which("make"), "-s", "-C", str(project), "setup", "VENV=none"],
                          capture_output=True, text=True, env=environment, timeout=60)


def test_no_python_310_anywhere_fails_with_the_required_version(tmp_path):
    result = make_with_path(tmp_path)

    assert result.returncode != 0
    assert "Python 3.10 est introuvable" in result.stderr
    assert "Rasa 3.6 ne fonctionne pas avec une autre version" in result.stderr


def test_pyenv_is_asked_for_its_newest_310(tmp_path):
    log = tmp_path / "pyenv.log"
    fake_pyenv = (
        "#!/bin/bash\n"
        f'echo "$PYENV_VERSION $*" >> {log}\n'
        'if [ "$1" = versions ]; then printf "3.9.18\\n3.10.2\\n3.10.13\\n3.11.7\\n"; fi\n'
        'if [ "$1" = which ]; then echo /nonexistent/python3.10; fi\n'
    )

    result = make_with_path(tmp_path, ("pyenv", fake_pyenv))

    assert "3.10.13 which python" in log.read_text()
    assert "/nonexistent/python3.10: No such file or directory" in result.stderr
    assert "introuvable" not in result.stderr
