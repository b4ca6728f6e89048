"""Where each process of the local cluster listens, and the configuration files nginx and Rasa read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy.engine import make_url

from assistant.config import PROJECT_ROOT

_templates = Environment(loader=PackageLoader("assistant.cluster", "templates"), undefined=StrictUndefined,
                         keep_trailing_newline=True)


@dataclass(frozen=True)
class ClusterLayout:
    """Ports of every process (all on 127.0.0.1) and the shared stores.

    Only `public_port` is meant to be reached by users; the action balancer and Rasa's API balancer stay
    private (in production, on a private network).
    """

    public_port: int = 8000
    rasa_ports: tuple[int, ...] = (5005, 5006)
    action_ports: tuple[int, ...] = (5056, 5057)
    actions_balancer_port: int = 5055
    rasa_api_port: int = 5004
    web_port: int = 8080
    database_url: str = "postgresql://postgres@127.0.0.1:5432/guichet"
    tracker_database_url: str = "postgresql://postgres@127.0.0.1:5432/guichet_tracker"
    redis_url: str = "redis://127.0.0.1:6379/0"
    lock_key_prefix: str = "guichet"
    workdir: Path = field(default=PROJECT_ROOT / "var" / "cluster")

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def rasa_api_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_api_port}"

    def rasa_url(self, replica: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[replica]}"

    def endpoints_yaml(self) -> str:
        """Rasa's endpoints: actions through the balancer, SQL tracker store, Redis lock store."""
        tracker = make_url(self.tracker_database_url)
        redis = make_url(self.redis_url)
        return _templates.get_template("endpoints.yml.j2").render(
            actions_url=f"http://127.0.0.1:{self.actions_balancer_port}/webhook",
            tracker=tracker, tracker_dialect=tracker.get_backend_name(),
            redis_host=redis.host or "127.0.0.1", redis_port=redis.port or 6379,
            redis_db=int(redis.database or 0), redis_password=redis.password, lock_key_prefix=self.lock_key_prefix,
        )

    def nginx_conf(self) -> str:
        return _templates.get_template("nginx.conf.j2").render(layout=self, workdir=self.workdir.resolve())

    def write_configuration(self) -> tuple[Path, Path]:
        """Write endpoints.yml and nginx.conf under the work folder (readable by their owner only)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        for folder in ("nginx-temp", "logs"):
            (self.workdir / folder).mkdir(exist_ok=True)
        endpoints, nginx = self.workdir / "endpoints.yml", self.workdir / "nginx.conf"
        for path, text in ((endpoints, self.endpoints_yaml()), (nginx, self.nginx_conf())):
            # Created owner-only before the passwords are written, so no other user can ever read them.
            path.unlink(missing_ok=True)
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                file.write(text)
        return endpoints, nginx
