"""deploy/compose/docker-compose.yml: valid against the Compose Specification, and the production topology."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from tests.unit.deploy.files import (
    COMPOSE_ENDPOINTS,
    COMPOSE_FILE,
    COMPOSE_SCHEMA,
    COMPOSE_TEST_ENVIRONMENT,
    SECRET_VARIABLES,
    TEST_SECRETS,
    InterpolationError,
    compose_variables,
    interpolate,
    load_compose,
    raw_compose,
    variables_read_by_code,
)

APPLICATION_SERVICES = ("init", "rasa", "actions", "web")


@pytest.fixture(scope="module")
def compose_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


def schema_errors(validator: jsonschema.Draft202012Validator, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def test_the_compose_file_follows_the_compose_specification(compose_validator, compose):
    assert schema_errors(compose_validator, compose) == []


def test_the_schema_rejects_a_misspelt_key(compose_validator, compose):
    broken = {**compose, "services": {**compose["services"],
                                      "web": {**compose["services"]["web"], "helthcheck": {}}}}

    assert any("helthcheck" in error for error in schema_errors(compose_validator, broken))


@pytest.mark.parametrize("secret", SECRET_VARIABLES)
def test_compose_refuses_to_start_without_each_secret(secret):
    environment = {name: value for name, value in COMPOSE_TEST_ENVIRONMENT.items() if name != secret}

    with pytest.raises(InterpolationError, match=secret):
        load_compose(environment)
    with pytest.raises(InterpolationError, match=secret):
        load_compose({**environment, secret: ""})


def test_no_secret_is_written_in_the_deployment_files():
    text = COMPOSE_FILE.read_text()
    interpolated = compose_variables(text)

    assert set(SECRET_VARIABLES) <= interpolated
    for service in raw_compose()["services"].values():
        environment = service.get("environment") or {}
        for name in SECRET_VARIABLES:
            if name in environment:
                assert environment[name].startswith(f"${{{name}:?"), f"{name} must come from the environment"
    # Rasa reads the database password from its environment too.
    assert "password: ${POSTGRES_PASSWORD}\n" in COMPOSE_ENDPOINTS.read_text()


def test_replicas_two_rasa_servers_and_two_action_servers(compose):
    services = compose["services"]

    assert services["rasa"]["deploy"]["replicas"] == 2
    assert services["actions"]["deploy"]["replicas"] == 2
    assert services.get("web", {}).get("deploy", {}).get("replicas", 1) == 1


def test_only_nginx_publishes_ports_and_only_https_and_its_redirect(compose):
    publishing = {name for name, service in compose["services"].items() if service.get("ports")}

    assert publishing == {"nginx"}
    assert sorted(compose["services"]["nginx"]["ports"]) == ["443:443", "80:80"]
    for name, service in compose["services"].items():
        assert "expose" not in service and service.get("network_mode") != "host", name


def test_the_servers_and_stores_sit_on_an_internal_network(compose):
    assert compose["networks"]["private"]["internal"] is True
    for name in ("postgres", "redis", "rasa", "actions", "web"):
        assert compose["services"][name]["networks"] == ["private"], name
    assert set(compose["services"]["nginx"]["networks"]) == {"private", "public"}
    # Only the init job goes out (the official list of structures on data.gouv.fr, the sheets on service-public.fr).
    assert set(compose["services"]["init"]["networks"]) == {"private", "egress"}


def test_the_same_image_serves_every_role_with_its_own_command(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in APPLICATION_SERVICES}

    assert len(images) == 1
    assert all(services[name]["build"]["context"] == "../.." for name in APPLICATION_SERVICES)
    rasa = services["rasa"]["command"][-1]
    assert "python -m assistant.rasa_main run --model models/guichet.tar.gz --port 5005 --enable-api" in rasa
    assert '--auth-token "$GUICHET_RASA_TOKEN"' in rasa
    assert "--endpoints /etc/guichet/endpoints.yml --credentials credentials.yml" in rasa
    assert ("./endpoints.yml:/etc/guichet/endpoints.yml:ro") in services["rasa"]["volumes"]
    assert services["actions"]["command"] == ["rasa", "run", "actions", "--actions", "actions", "--port", "5055"]
    assert services["web"]["command"] == ["guichet", "web", "--host", "0.0.0.0", "--port", "8080"]
    assert services["init"]["command"][-1] == ("guichet db upgrade && guichet kb load && guichet structures import && "
                                               "guichet sheets import")


def test_the_servers_wait_for_the_init_job_and_the_stores(compose):
    services = compose["services"]

    assert services["init"]["restart"] == "no"
    assert services["init"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("rasa", "actions", "web"):
        assert services[name]["depends_on"]["init"] == {"condition": "service_completed_successfully"}, name
    assert services["rasa"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["rasa"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert {name: dependency["condition"] for name, dependency in services["nginx"]["depends_on"].items()} == {
        "rasa": "service_healthy", "actions": "service_healthy", "web": "service_healthy"}


def test_every_long_running_service_has_a_healthcheck_on_its_own_health_url(compose):
    services = compose["services"]

    assert "http://127.0.0.1:5005/" in " ".join(services["rasa"]["healthcheck"]["test"])
    assert "Hello from Rasa" in " ".join(services["rasa"]["healthcheck"]["test"])
    assert "http://127.0.0.1:5055/health" in " ".join(services["actions"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8080/health" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "guichet_tracker" in services["postgres"]["healthcheck"]["test"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_the_web_app_gets_every_setting_it_needs(compose):
    environment = compose["services"]["web"]["environment"]

    assert environment["GUICHET_DATABASE_URL"] == (
        f"postgresql://guichet:{TEST_SECRETS['POSTGRES_PASSWORD']}@postgres:5432/guichet")
    assert environment["GUICHET_RASA_URL"] == "http://rasa:5005"
    assert environment["GUICHET_RASA_TOKEN"] == TEST_SECRETS["GUICHET_RASA_TOKEN"]
    assert environment["GUICHET_SESSION_SECRET"] == TEST_SECRETS["GUICHET_SESSION_SECRET"]
    assert environment["GUICHET_SECURE_COOKIES"] == "1"
    assert environment["GUICHET_PUBLIC_RASA_URL"] == "https://assistant.example.fr"
    assert "GUICHET_CORS_ORIGINS" in environment
    assert environment["GUICHET_RATE_LIMIT_STORAGE"] == "redis://redis:6379/1"
    assert environment["GUICHET_TRUSTED_PROXIES"] == compose["networks"]["private"]["ipam"]["config"][0]["subnet"]


def test_the_database_url_is_the_same_for_every_role(compose):
    urls = {compose["services"][name]["environment"]["GUICHET_DATABASE_URL"] for name in ("init", "actions", "web")}

    assert len(urls) == 1
    assert "GUICHET_DATABASE_URL" not in compose["services"]["rasa"]["environment"]


def test_a_maintenance_service_purges_both_databases(compose):
    services = compose["services"]
    purge = services["purge"]

    assert purge["profiles"] == ["maintenance"]
    assert purge["restart"] == "no"
    assert purge["image"] == services["web"]["image"]
    assert purge["command"] == ["guichet", "purge", "--older-than", "90d"]
    assert purge["environment"]["GUICHET_DATABASE_URL"] == services["web"]["environment"]["GUICHET_DATABASE_URL"]
    # The database where Rasa's replicas keep the conversations.
    tracker_database = yaml.safe_load(COMPOSE_ENDPOINTS.read_text())["tracker_store"]["db"]
    assert purge["environment"]["GUICHET_TRACKER_DATABASE_URL"] == (
        f"postgresql://guichet:{TEST_SECRETS['POSTGRES_PASSWORD']}@postgres:5432/{tracker_database}")
    assert purge["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert purge["networks"] == ["private"]
    # Only the maintenance services wait for a profile: `docker compose up` starts everything else.
    assert {name for name, service in services.items() if "profiles" in service} == {"purge"}


def test_only_settings_the_assistant_reads_are_given():
    known = variables_read_by_code()
    given = {name for service in raw_compose()["services"].values()
             for name in (service.get("environment") or {}) if name.startswith("GUICHET_")}

    assert given, "no GUICHET_ setting found"
    assert given <= known, f"unknown settings: {sorted(given - known)}"


def test_interpolation_follows_compose_rules():
    environment = {"SET": "value", "EMPTY": ""}

    assert interpolate("$${SET}", environment) == "${SET}"
    assert interpolate("${SET:-x}/${EMPTY:-x}/${EMPTY-x}/${UNSET-x}", environment) == "value/x//x"
    with pytest.raises(InterpolationError):
        interpolate("${EMPTY:?required}", environment)
    assert interpolate("${EMPTY?required}", environment) == ""
