"""The web app's JSON API fuzzed from its own OpenAPI description (schemathesis, in process through ASGI).

Every operation gets valid and invalid requests generated from the schema: no answer may be a 5xx, and every
answer must be one the schema declares (status, content type, body, headers). Invalid requests must be
refused and valid ones accepted, so the schema has to say exactly what the app takes. Rate limits are set
out of reach: they are tested in test_public_endpoints.py.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.knowledge.loader import load_knowledge_into_database
from assistant.ratelimit import RateLimitSettings
from assistant.web.schemas import LARGEST_MESSAGE_ID
from tests.conftest import KNOWLEDGE_DIRECTORY
from tests.unit.web.conftest import logged_in

UNLIMITED = RateLimitSettings(public="1000000/minute", polling="1000000/minute", login="1000000/minute")
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def web_app(make_app, ticket, session_factory):
    """The app on a database holding the real knowledge base (for the advisors' search) and one ticket."""
    load_knowledge_into_database(session_factory, KNOWLEDGE_DIRECTORY)
    return make_app(rate_limits=UNLIMITED)


@pytest.fixture
def web_api(web_app):
    return schemathesis.openapi.from_asgi("/openapi.json", web_app)


@pytest.fixture
def advisor_cookie(web_app) -> str:
    """An advisor's session, so that the advisors' search is fuzzed past its login check."""
    return "; ".join(f"{name}={value}" for name, value in logged_in(web_app).cookies.items())


schema = schemathesis.pytest.from_fixture("web_api")


def test_the_schema_describes_the_public_json_endpoints(web_app):
    described = TestClient(web_app).get("/openapi.json").json()
    handoff = described["paths"]["/api/handoff/{ticket_id}"]["get"]
    ratings = described["paths"]["/api/ratings"]["post"]

    assert {(p["name"], p["in"]) for p in handoff["parameters"]} == {
        ("ticket_id", "path"), ("after", "query"), ("X-Handoff-Secret", "header")}
    assert set(handoff["responses"]) == {"200", "404", "422", "429"}
    assert ratings["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RatingIn"}
    assert set(ratings["responses"]) == {"201", "400", "422", "429"}
    assert described["components"]["schemas"]["RatingIn"]["required"] == ["sender", "kind", "useful"]
    assert "Retry-After" in ratings["responses"]["429"]["headers"]


@schema.parametrize()
@FUZZ
def test_every_operation_answers_as_its_schema_says_and_never_fails(case, advisor_cookie):
    case.call_and_validate(headers={"Cookie": advisor_cookie})


@given(after=st.one_of(st.integers(), st.integers(min_value=0, max_value=50)))
@FUZZ
def test_the_ticket_holder_polls_with_any_after(web_app, ticket, after):
    ticket_id, secret = ticket
    answer = TestClient(web_app).get(f"/api/handoff/{ticket_id}", params={"after": after},
                                     headers={"X-Handoff-Secret": secret})

    if 0 <= after <= LARGEST_MESSAGE_ID:
        assert answer.status_code == 200 and answer.json()["ticket"] == str(ticket_id)
    else:
        assert answer.status_code == 422 and answer.json() == {"detail": "Requête invalide : vérifiez after."}
