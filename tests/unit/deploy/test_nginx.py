"""deploy/compose/nginx.conf: the only public entry passes the REST channel to Rasa and nothing else of it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.deploy.files import NGINX_CONF, RASA_API_PREFIXES, Directive, load_compose, parse_nginx

PUBLIC_PORTS = {"80", "443"}


@pytest.fixture(scope="module")
def http() -> Directive:
    return parse_nginx(NGINX_CONF.read_text()).one("http")


def listen_port(server: Directive) -> str:
    return server.one("listen").args[0].rsplit(":", 1)[-1]


def public_servers(http: Directive) -> list[Directive]:
    return [server for server in http.all("server") if listen_port(server) in PUBLIC_PORTS]


def https_server(http: Directive) -> Directive:
    (server,) = [server for server in public_servers(http) if listen_port(server) == "443"]
    return server


def error_pages(server: Directive) -> dict[str, list[str]]:
    return {directive.args[0]: directive.args[1:] for directive in server.all("error_page")}


def named_location(server: Directive, name: str) -> Directive:
    (location,) = [location for location in server.all("location") if location.args == [name]]
    return location


def proxied_upstream(location: Directive) -> str | None:
    passes = location.all("proxy_pass")
    if not passes:
        return None
    return re.match(r"https?://([^/]+)", passes[0].args[0]).group(1)


def upstream_servers(http: Directive) -> dict[str, list[str]]:
    return {upstream.args[0]: [server.args[0] for server in upstream.all("server")]
            for upstream in http.all("upstream")}


def test_the_parser_reads_blocks_quotes_and_comments():
    tree = parse_nginx("# comment\nhttp { server { listen 80; return 429 '{\"a\": 1}'; } }")

    server = tree.one("http").one("server")
    assert server.one("listen").args == ["80"]
    assert server.one("return").args == ["429", '{"a": 1}']
    with pytest.raises(ValueError):
        parse_nginx("http { server { listen 80; }")


def test_upstreams_are_the_compose_services(http):
    assert upstream_servers(http) == {
        "rasa_replicas": ["rasa:5005"], "action_servers": ["actions:5055"], "web_app": ["web:8080"]}
    services = load_compose()["services"]
    assert {"rasa", "actions", "web"} <= set(services)


def test_public_routes_only_the_rest_channel_goes_to_rasa(http):
    https = [server for server in public_servers(http) if listen_port(server) == "443"]
    assert len(https) == 1
    locations = {tuple(location.args): location for location in https[0].all("location")}

    assert set(locations) == {("=", "/webhooks/rest/webhook"), ("/",), ("@too_many_requests",), ("@too_large",)}
    channel = locations[("=", "/webhooks/rest/webhook")]
    assert channel.one("proxy_pass").args == ["http://rasa_replicas/webhooks/rest/webhook"]
    assert channel.one("limit_except").args == ["POST", "OPTIONS"]
    assert [directive.name for directive in channel.one("limit_except").block] == ["deny"]
    assert proxied_upstream(locations[("/",)]) == "web_app"
    # Nothing else anywhere in the public servers reaches Rasa.
    to_rasa = [location for server in public_servers(http) for location in server.walk()
               if location.name == "location" and proxied_upstream(location) == "rasa_replicas"]
    assert to_rasa == [channel]


def test_no_public_location_names_a_path_of_rasas_api(http):
    for server in public_servers(http):
        for location in server.all("location"):
            path = location.args[-1]
            assert not path.startswith(RASA_API_PREFIXES), path


def test_plain_http_only_redirects_to_https(http):
    plain = [server for server in public_servers(http) if listen_port(server) == "80"]

    assert len(plain) == 1
    assert [directive.name for directive in plain[0].walk()] == ["listen", "server_name", "location", "return"]
    assert plain[0].one("location").one("return").args == ["301", "https://$host$request_uri"]


def test_the_private_action_balancer_listens_on_an_unpublished_port(http):
    private = [server for server in http.all("server") if listen_port(server) not in PUBLIC_PORTS]

    assert [listen_port(server) for server in private] == ["5055"]
    assert proxied_upstream(private[0].one("location")) == "action_servers"
    published = {port.split(":")[0] for port in load_compose()["services"]["nginx"]["ports"]}
    assert published == PUBLIC_PORTS


def test_public_routes_are_rate_limited_per_client_with_a_french_json_429(http):
    zones = {directive.args[1].split("=")[1].split(":")[0]: directive.args
             for directive in http.all("limit_req_zone")}
    assert zones, "no limit_req_zone"
    assert all(args[0] == "$binary_remote_addr" for args in zones.values())
    assert http.one("limit_req_status").args == ["429"]

    https = https_server(http)
    for location in https.all("location"):
        if location.args[0].startswith("@"):
            continue
        (limit,) = location.all("limit_req")
        assert limit.args[0].removeprefix("zone=") in zones
    assert error_pages(https)["429"] == ["=", "@too_many_requests"]
    named = named_location(https, "@too_many_requests")
    status, body = named.one("return").args
    assert status == "429"
    assert "Trop de requêtes" in json.loads(body)["error"]
    assert named.one("default_type").args[0].startswith("application/json")


def test_small_bodies_on_the_public_server_only_and_forwarded_headers(http):
    # Not at http level: it would also apply to the private balancer.
    assert http.all("client_max_body_size") == []
    size = https_server(http).one("client_max_body_size").args[0]
    assert size.endswith("k") and int(size[:-1]) <= 64
    headers = {directive.args[0]: directive.args[1] for directive in http.all("proxy_set_header")}
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"


def test_the_public_server_refuses_a_large_body_with_a_french_json_413(http):
    https = https_server(http)

    assert error_pages(https)["413"] == ["@too_large"]
    named = named_location(https, "@too_large")
    status, body = named.one("return").args
    assert status == "413"
    assert json.loads(body) == {"error": "Requête trop volumineuse : envoyez un message plus court."}
    assert named.one("default_type").args[0].startswith("application/json")


def test_the_private_action_balancer_has_no_body_limit(http):
    """Rasa posts the whole tracker to the action servers: a long conversation must not get a 413."""
    (private,) = [server for server in http.all("server") if listen_port(server) == "5055"]

    assert private.one("client_max_body_size").args == ["0"]
    assert private.one("proxy_request_buffering").args == ["off"]
    for location in private.all("location"):
        assert location.all("client_max_body_size") == []


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
                    reason="nginx (Debian package, installed by `make test`) is not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    """`nginx -t` on the file, with what only exists in the containers (the `nginx` user, the services' DNS
    names, the certificate, writable temporary folders) replaced by local equivalents."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
                   check=True, capture_output=True)
    text = NGINX_CONF.read_text()
    text = text.replace("user nginx;", "")
    text = re.sub(r"server (rasa|actions|web):(\d+)", r"server 127.0.0.1:\2", text)
    text = text.replace("/etc/nginx/tls/", f"{tmp_path}/")
    text = text.replace("include /etc/nginx/mime.types;", f"include {tmp_path}/mime.types;")
    (tmp_path / "mime.types").write_text("types { text/html html; }\n")
    temporary = "".join(f"{kind}_temp_path {tmp_path}/{kind};\n" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = text.replace("http {\n", "http {\n" + temporary, 1)
    (tmp_path / "nginx.conf").write_text(text)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log"), "-g", f"pid {tmp_path}/nginx.pid;"],
                            capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
