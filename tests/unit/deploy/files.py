"""Reading the deployment files as their tools do: Compose's interpolation, nginx's syntax, Kubernetes' YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import yaml

from assistant.config import PROJECT_ROOT

COMPOSE_DIR = PROJECT_ROOT / "deploy" / "compose"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yml"
NGINX_CONF = COMPOSE_DIR / "nginx.conf"
COMPOSE_ENDPOINTS = COMPOSE_DIR / "endpoints.yml"
KUBERNETES_DIR = PROJECT_ROOT / "deploy" / "kubernetes"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
# The Compose Specification's JSON schema as check-jsonschema ships it. The package itself cannot run beside
# Rasa 3.6 (it needs jsonschema >= 4.18): the Makefile installs it without its dependencies, for this file.
COMPOSE_SCHEMA = Path(str(distribution("check-jsonschema").locate_file(
    "check_jsonschema/builtin_schemas/vendor/compose-spec.json")))

# The secrets of the deployment: only ever references to the environment or to a Kubernetes Secret.
SECRET_VARIABLES = ("GUICHET_RASA_TOKEN", "GUICHET_SESSION_SECRET", "POSTGRES_PASSWORD")
# Values a test environment gives them, to find them if they leak into a rendered file.
TEST_SECRETS = {name: f"test-secret-{index}-0123456789abcdef" for index, name in enumerate(SECRET_VARIABLES)}
COMPOSE_TEST_ENVIRONMENT = {**TEST_SECRETS, "GUICHET_PUBLIC_RASA_URL": "https://assistant.example.fr"}

# Rasa's HTTP API (rasa/server.py): never reachable through the public entry.
RASA_API_PREFIXES = ("/conversations", "/model", "/status", "/version", "/domain", "/webhooks/rest/webhook/")

_INTERPOLATION = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


class InterpolationError(ValueError):
    """A required variable (`${NAME:?message}` or `${NAME?message}`) is missing, as Compose reports it."""


def interpolate(value: Any, environment: dict[str, str]) -> Any:
    """Compose's interpolation of every string in a parsed Compose file (`$$` is a literal dollar sign)."""
    if isinstance(value, dict):
        return {key: interpolate(item, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        escaped, name, operator, argument, bare = match.groups()
        if escaped:
            return "$"
        if bare:
            return environment.get(bare, "")
        current = environment.get(name)
        missing = current is None or (operator is not None and operator.startswith(":") and current == "")
        if operator in (":-", "-"):
            return argument if missing else current
        if operator in (":?", "?"):
            if missing:
                raise InterpolationError(f"{name}: {argument}")
            return current
        return current or ""

    return _INTERPOLATION.sub(replace, value)


def compose_variables(text: str) -> set[str]:
    """Names of the variables a Compose file interpolates."""
    return {name or bare for escaped, name, _, _, bare in _INTERPOLATION.findall(text) if not escaped}


def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def load_compose(environment: dict[str, str] | None = None) -> dict:
    """The Compose file as `docker compose config` sees it, with the test environment by default."""
    return interpolate(raw_compose(), COMPOSE_TEST_ENVIRONMENT if environment is None else environment)


def kubernetes_manifest_files() -> list[Path]:
    return sorted(path for path in KUBERNETES_DIR.glob("*.yaml") if path.name != "kustomization.yaml")


def kubernetes_documents(files: list[Path] | None = None) -> list[tuple[Path, dict]]:
    documents = []
    for path in files if files is not None else kubernetes_manifest_files():
        documents.extend((path, document) for document in yaml.safe_load_all(path.read_text()) if document)
    return documents


def kustomization() -> dict:
    return yaml.safe_load((KUBERNETES_DIR / "kustomization.yaml").read_text())


def deployed_documents() -> list[dict]:
    """The objects `kubectl apply -k deploy/kubernetes` creates."""
    files = [KUBERNETES_DIR / name for name in kustomization()["resources"]]
    return [document for _, document in kubernetes_documents(files)]


def find(documents: list[dict], kind: str, name: str) -> dict:
    matches = [doc for doc in documents if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} objects"
    return matches[0]


def pod_spec(document: dict) -> dict | None:
    """The pod template of a workload (Deployment, StatefulSet, Job, CronJob), None for other kinds."""
    if document["kind"] in ("Deployment", "StatefulSet", "Job"):
        return document["spec"]["template"]["spec"]
    if document["kind"] == "CronJob":
        return document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def variables_read_by_code() -> set[str]:
    """Environment variables the assistant reads (os.environ.get, os.environ[...], os.getenv, click's envvar)."""
    pattern = re.compile(r"""(?:environ\.get\(|environ\[|getenv\(|envvar=)\s*["']([A-Z][A-Z0-9_]*)["']""")
    names: set[str] = set()
    for folder in ("assistant", "actions"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            names.update(pattern.findall(path.read_text()))
    return names


@dataclass
class Directive:
    """One nginx directive: its name, its arguments (quotes removed) and its block, if it has one."""

    name: str
    args: list[str]
    block: list[Directive] | None = None

    def all(self, name: str) -> list[Directive]:
        return [child for child in self.block or [] if child.name == name]

    def one(self, name: str) -> Directive:
        found = self.all(name)
        assert len(found) == 1, f"{len(found)} « {name} » in « {self.name} {' '.join(self.args)} »"
        return found[0]

    def walk(self):
        for child in self.block or []:
            yield child
            yield from child.walk()


_NGINX_TOKEN = re.compile(r"""\s+|#[^\n]*|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};'"#]+)""")


def parse_nginx(text: str) -> Directive:
    """nginx's configuration syntax (directives, blocks, quoted arguments, comments) as a tree."""
    root = Directive("main", [], [])
    stack = [root]
    current: list[str] = []
    position = 0
    while position < len(text):
        match = _NGINX_TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"nginx.conf illisible à la position {position}")
        position = match.end()
        single, double, punctuation, word = match.groups()
        if punctuation == "{":
            directive = Directive(current[0], current[1:], [])
            stack[-1].block.append(directive)
            stack.append(directive)
            current = []
        elif punctuation == ";":
            stack[-1].block.append(Directive(current[0], current[1:]))
            current = []
        elif punctuation == "}":
            if current or len(stack) == 1:
                raise ValueError("bloc nginx mal fermé")
            stack.pop()
        elif single is not None or double is not None:
            current.append(single if single is not None else double)
        elif word is not None:
            current.append(word)
    if len(stack) != 1 or current:
        raise ValueError("bloc nginx non fermé")
    return root
