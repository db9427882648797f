"""The schema and the documentation page: complete, and usable offline."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from api.api import api

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/",
    "/api/me",
    "/api/directory/institutions",
    "/api/directory/institutions/{institution_id}",
    "/api/directory/units",
    "/api/directory/units/{unit_id}",
    "/api/directory/teams",
    "/api/directory/teams/{team_id}",
    "/api/directory/people",
    "/api/directory/people/{person_id}",
    "/api/directory/platforms",
    "/api/directory/platforms/{platform_id}",
    "/api/directory/tech-transfer-offices",
    "/api/directory/tech-transfer-offices/{office_id}",
    "/api/calls/",
    "/api/calls/{call_id}",
    "/api/calls/applications/",
    "/api/calls/applications/{application_id}",
}


@pytest.fixture
def schema(client):  # type: ignore[no-untyped-def]
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    return response.json()


def _operations(schema):  # type: ignore[no-untyped-def]
    return [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def test_schema_lists_every_endpoint(schema):
    assert set(schema["paths"]) == EXPECTED_PATHS
    # every operation the API object knows is in the schema
    registered = {
        op.view_func.__name__
        for _p, router in api._routers
        for ops in router.path_operations.values()
        for op in ops.operations
    }
    assert len(_operations(schema)) == len(registered)


def test_every_operation_has_summary_tags_and_error_schemas(schema):
    error_ref = "#/components/schemas/ErrorOut"
    for path, method, op in _operations(schema):
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op.get("tags"), where
        assert "200" in op["responses"], where
        assert op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"] == error_ref, where
        if path.startswith("/api/directory/"):
            assert "403" in op["responses"] and "422" in op["responses"], where
            if path.endswith("_id}"):
                assert op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"] == error_ref, (
                    where
                )


def test_security_says_which_endpoints_need_a_token(schema):
    scheme = schema["components"]["securitySchemes"]["BearerToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    ops = {(p, m): op for p, m, op in _operations(schema)}
    assert ops[("/api/me", "get")]["security"] == [{"BearerToken": []}]
    # directory reads also answer without a token: the empty requirement makes it optional
    assert {} in ops[("/api/directory/people", "get")]["security"]


def test_list_endpoints_document_pagination_and_filters(schema):
    params = {p["name"] for p in schema["paths"]["/api/directory/people"]["get"]["parameters"]}
    assert {"q", "institution", "unit", "team", "career_stage", "keyword", "limit", "offset"} <= params
    page = schema["components"]["schemas"]["PagedPersonOut"]
    assert set(page["properties"]) == {"items", "count"}


def test_docs_page_works_offline(client):
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()

    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), (
        "external URL in the docs page"
    )
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    static = [a for a in assets if a.startswith("/static/")]
    assert len(static) >= 3
    assert set(assets) - set(static) <= {reverse("api:openapi-json")}
    for asset in static:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not shipped"
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call validator.swagger.io
    assert '<html lang="en">' in html


def test_index_links_docs_schema_and_scopes(client):
    body = client.get(reverse("api:index")).json()
    assert body["docs"].endswith("/api/docs") and body["openapi"].endswith("/api/openapi.json")
    assert "directory:read" in {s["code"] for s in body["scopes"]}
