"""deploy/kubernetes: every manifest valid against Kubernetes' own schemas (strict), and the production topology."""

from __future__ import annotations

import copy
import re

import kubernetes_validate
import pytest
import yaml

from tests.unit.deploy.files import (
    KUBERNETES_DIR,
    RASA_API_PREFIXES,
    SECRET_VARIABLES,
    deployed_documents,
    find,
    kubernetes_documents,
    kubernetes_manifest_files,
    kustomization,
    load_compose,
    pod_spec,
    variables_read_by_code,
)

# kubernetes-validate 1.28.3 is the last release working with the jsonschema Rasa pins (< 4.18); the objects
# used here (apps/v1, batch/v1, networking.k8s.io/v1, policy/v1) are unchanged in later Kubernetes versions.
KUBERNETES_VERSION = "1.28"
SECRET_NAME = "guichet-secrets"


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    return deployed_documents()


def containers(documents: list[dict]):
    for document in documents:
        spec = pod_spec(document)
        for container in (spec or {}).get("containers", []) + (spec or {}).get("initContainers", []):
            yield document, container


@pytest.mark.parametrize("path_and_document", kubernetes_documents(),
                         ids=lambda item: f"{item[0].name}:{item[1]['kind']}/{item[1]['metadata']['name']}")
def test_every_manifest_is_valid_for_kubernetes(path_and_document):
    _, document = path_and_document

    assert kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True) == KUBERNETES_VERSION


def test_the_validator_rejects_an_unknown_field_and_a_wrong_type(documents):
    deployment = find(documents, "Deployment", "rasa")
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["replica"] = misspelt["spec"].pop("replicas")
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "5005"

    for broken in (misspelt, wrong_type):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest_but_the_secret_example():
    listed = kustomization()["resources"]

    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(path.name for path in kubernetes_manifest_files()
                                    if path.name != "secret.example.yaml")
    assert kustomization()["namespace"] == "guichet"
    assert [image["name"] for image in kustomization()["images"]] == ["guichet"]


def test_every_object_is_in_the_guichet_namespace(documents):
    for document in documents:
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == "guichet", document["metadata"]["name"]


def test_two_rasa_replicas_and_two_action_servers_as_in_compose(documents):
    compose = load_compose()["services"]

    assert find(documents, "Deployment", "rasa")["spec"]["replicas"] == compose["rasa"]["deploy"]["replicas"] == 2
    assert find(documents, "Deployment", "actions")["spec"]["replicas"] == compose["actions"]["deploy"]["replicas"] == 2
    assert find(documents, "Deployment", "web")["spec"]["replicas"] == 1
    for name in ("rasa", "actions"):
        assert find(documents, "PodDisruptionBudget", name)["spec"]["minAvailable"] == 1


def test_each_service_selects_its_own_pods_on_a_named_port(documents):
    for name, port in (("rasa", 5005), ("actions", 5055), ("web", 8080), ("postgres", 5432), ("redis", 6379)):
        service = find(documents, "Service", name)
        workload = [doc for doc in documents if doc["kind"] in ("Deployment", "StatefulSet")
                    and doc["metadata"]["name"] == name][0]
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items(), name
        assert workload["spec"]["selector"]["matchLabels"] == service["spec"]["selector"], name
        (service_port,) = service["spec"]["ports"]
        assert service_port["port"] == port, name
        container_ports = {item["name"]: item["containerPort"]
                           for item in workload["spec"]["template"]["spec"]["containers"][0]["ports"]}
        assert container_ports[service_port["targetPort"]] == port, name


def test_nothing_is_exposed_but_through_the_ingress(documents):
    for document in documents:
        if document["kind"] == "Service":
            assert document["spec"].get("type", "ClusterIP") == "ClusterIP", document["metadata"]["name"]
    for _, container in containers(documents):
        for port in container.get("ports", []):
            assert "hostPort" not in port, container["name"]
    for document in documents:
        spec = pod_spec(document)
        if spec is not None:
            assert not spec.get("hostNetwork"), document["metadata"]["name"]


def test_the_ingress_exposes_the_rest_channel_exactly_and_the_web_app(documents):
    ingresses = [document for document in documents if document["kind"] == "Ingress"]
    routes = sorted(
        (path["path"], path["pathType"], path["backend"]["service"]["name"], path["backend"]["service"]["port"]["name"])
        for ingress in ingresses for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]
    )

    assert routes == [("/", "Prefix", "web", "http"), ("/webhooks/rest/webhook", "Exact", "rasa", "http")]
    for path, _, _, _ in routes:
        assert not path.startswith(RASA_API_PREFIXES), path
    for ingress in ingresses:
        assert ingress["spec"]["ingressClassName"] == "nginx"
        assert "defaultBackend" not in ingress["spec"]
        assert all(tls["secretName"] == "guichet-tls" for tls in ingress["spec"]["tls"])


def test_every_ingress_limits_the_rate_per_client_and_the_body_size(documents):
    for ingress in (document for document in documents if document["kind"] == "Ingress"):
        annotations = ingress["metadata"]["annotations"]
        assert int(annotations["nginx.ingress.kubernetes.io/limit-rps"]) > 0
        assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "64k"
        # Configuration snippets are refused by current ingress-nginx releases, and could reopen Rasa's API.
        assert not any("snippet" in key for key in annotations)


def test_rasas_api_is_reachable_only_from_the_ingress_controller_and_the_web_app(documents):
    policy = find(documents, "NetworkPolicy", "rasa")
    (rule,) = policy["spec"]["ingress"]
    sources = [source.get("namespaceSelector", {}).get("matchLabels") or source["podSelector"]["matchLabels"]
               for source in rule["from"]]

    assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "rasa"
    assert sources == [{"kubernetes.io/metadata.name": "ingress-nginx"},
                       {"app.kubernetes.io/part-of": "guichet", "app.kubernetes.io/component": "web"}]
    assert find(documents, "NetworkPolicy", "default-deny-ingress")["spec"] == {"podSelector": {},
                                                                                 "policyTypes": ["Ingress"]}


def test_probes_ask_each_server_its_own_health_url(documents):
    expected = {"rasa": "/", "actions": "/health", "web": "/health"}
    for name, path in expected.items():
        (container,) = pod_spec(find(documents, "Deployment", name))["containers"]
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": path, "port": "http"}, (name, probe)
    (rasa,) = pod_spec(find(documents, "Deployment", "rasa"))["containers"]
    startup = rasa["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300, "Rasa needs minutes to load its model"


def test_the_web_apps_probe_url_answers_without_rasa(monkeypatch, tmp_path):
    from fastapi.testclient import TestClient

    from assistant.web.app import app_from_environment

    monkeypatch.setenv("GUICHET_DATABASE_URL", f"sqlite:///{tmp_path / 'probe.db'}")
    monkeypatch.setenv("GUICHET_SESSION_SECRET", "probe-secret")
    monkeypatch.setenv("GUICHET_RASA_URL", "http://127.0.0.1:9")
    with TestClient(app_from_environment()) as client:
        response = client.get("/health")

    assert response.status_code == 200


def test_pods_run_as_non_root_without_privileges_and_with_resource_limits(documents):
    for document in documents:
        spec = pod_spec(document)
        if spec is None:
            continue
        name = document["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] > 0, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            assert {"cpu", "memory"} <= container["resources"]["requests"].keys(), name
            assert "memory" in container["resources"]["limits"], name


def test_the_application_runs_as_the_images_user(documents):
    dockerfile_user = re.search(r"^USER (\d+):(\d+)$", (KUBERNETES_DIR.parent.parent / "Dockerfile").read_text(),
                                re.MULTILINE)
    for document, container in containers(documents):
        if container["image"] == "guichet":
            context = pod_spec(document)["securityContext"]
            assert (str(context["runAsUser"]), str(context["runAsGroup"])) == dockerfile_user.groups()


def test_same_commands_as_compose(documents):
    compose = load_compose()["services"]
    commands = {name: pod_spec(find(documents, kind, workload))["containers"][0]["command"]
                for name, kind, workload in (("rasa", "Deployment", "rasa"), ("actions", "Deployment", "actions"),
                                             ("web", "Deployment", "web"), ("init", "Job", "guichet-init"),
                                             ("purge", "CronJob", "guichet-purge"))}

    for name, command in commands.items():
        assert command == compose[name]["command"], name


def test_secrets_come_only_from_the_secret_by_reference(documents):
    for _, container in containers(documents):
        for variable in container.get("env", []):
            if variable["name"] in SECRET_VARIABLES:
                assert "value" not in variable, variable["name"]
                reference = variable["valueFrom"]["secretKeyRef"]
                assert reference == {"name": SECRET_NAME, "key": variable["name"]}
    for document in documents:
        assert document["kind"] != "Secret", "a Secret would be deployed from the repository"
        if document["kind"] == "ConfigMap":
            assert not set(document["data"]) & set(SECRET_VARIABLES), document["metadata"]["name"]


def test_the_secret_example_holds_only_placeholders():
    (document,) = [doc for path, doc in kubernetes_documents() if path.name == "secret.example.yaml"]

    assert document["metadata"]["name"] == SECRET_NAME
    assert sorted(document["stringData"]) == sorted(SECRET_VARIABLES)
    assert all(value.startswith("A-REMPLACER") for value in document["stringData"].values())


def test_each_role_gets_the_settings_it_reads(documents):
    settings = find(documents, "ConfigMap", "guichet-settings")["data"]

    def environment(kind: str, name: str) -> set[str]:
        (container,) = pod_spec(find(documents, kind, name))["containers"]
        from_config_map = set(settings) if container.get("envFrom") == [
            {"configMapRef": {"name": "guichet-settings"}}] else set()
        return from_config_map | {variable["name"] for variable in container.get("env", [])}

    web = environment("Deployment", "web")
    assert {"GUICHET_DATABASE_URL", "GUICHET_RASA_URL", "GUICHET_RASA_TOKEN", "GUICHET_SESSION_SECRET",
            "GUICHET_SECURE_COOKIES", "GUICHET_CORS_ORIGINS", "GUICHET_PUBLIC_RASA_URL",
            "GUICHET_RATE_LIMIT_STORAGE", "GUICHET_TRUSTED_PROXIES"} <= web
    rasa = environment("Deployment", "rasa")
    assert {"GUICHET_RASA_TOKEN", "POSTGRES_PASSWORD", "POSTGRES_HOST", "REDIS_HOST"} <= rasa
    assert "GUICHET_DATABASE_URL" in environment("Deployment", "actions")
    assert "GUICHET_DATABASE_URL" in environment("Job", "guichet-init")
    assert settings["GUICHET_RASA_URL"] == "http://rasa:5005"
    assert settings["GUICHET_SECURE_COOKIES"] == "1"


def test_only_settings_the_assistant_reads_are_given(documents):
    known = variables_read_by_code()
    given = set(find(documents, "ConfigMap", "guichet-settings")["data"])
    given |= {variable["name"] for _, container in containers(documents) for variable in container.get("env", [])}
    given = {name for name in given if name.startswith("GUICHET_")}

    assert given <= known, f"unknown settings: {sorted(given - known)}"


def test_the_database_url_is_built_from_the_settings_and_the_secret(documents):
    urls = {variable["value"] for _, container in containers(documents) for variable in container.get("env", [])
            if variable["name"] == "GUICHET_DATABASE_URL"}

    assert urls == {"postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@$(POSTGRES_HOST):5432/$(POSTGRES_DB)"}
    for _, container in containers(documents):
        names = [variable["name"] for variable in container.get("env", [])]
        if "GUICHET_DATABASE_URL" in names:
            # Kubernetes expands $(VAR) only with variables defined before it.
            assert names.index("POSTGRES_PASSWORD") < names.index("GUICHET_DATABASE_URL")
            assert container["envFrom"] == [{"configMapRef": {"name": "guichet-settings"}}]


def test_rasa_mounts_the_cluster_endpoints(documents):
    spec = pod_spec(find(documents, "Deployment", "rasa"))
    (container,) = spec["containers"]
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in spec["volumes"]}

    assert volumes[mounts["/etc/guichet"]]["configMap"]["name"] == "guichet-rasa-endpoints"
    assert "--endpoints /etc/guichet/endpoints.yml" in container["command"][-1]
    endpoints = yaml.safe_load(find(documents, "ConfigMap", "guichet-rasa-endpoints")["data"]["endpoints.yml"])
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"


def test_old_conversations_and_closed_tickets_are_purged_every_night(documents):
    purge = next(document for document in documents if document["kind"] == "CronJob")
    container = pod_spec(purge)["containers"][0]

    assert purge["spec"]["schedule"] == "15 3 * * *" and purge["spec"]["concurrencyPolicy"] == "Forbid"
    assert container["command"] == ["guichet", "purge", "--older-than", "90d"]
    assert {"GUICHET_DATABASE_URL", "GUICHET_TRACKER_DATABASE_URL"} <= {item["name"] for item in container["env"]}
