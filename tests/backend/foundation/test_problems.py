"""Every error is an RFC 9457 problem document."""

import json

import httpx
import pytest

PROBLEM = "application/problem+json"


def _problem(reply: httpx.Response, status: int) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    body = reply.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["type"], str) and body["type"]
    assert body["request_id"] == reply.headers["x-request-id"]
    return body


@pytest.mark.parametrize("path", ["/nope", "/v1/nope", "/v1/auth/nonce/extra"])
def test_unknown_route_is_404_problem(server, path):
    body = _problem(httpx.get(f"{server}{path}"), 404)
    assert body["type"] == "about:blank" and body["title"] == "Not Found"
    assert body["instance"] == path


def test_wrong_method_is_405_problem_with_allow(server):
    reply = httpx.delete(f"{server}/v1/auth/nonce")
    _problem(reply, 405)
    assert "POST" in reply.headers["allow"]


def test_invalid_body_is_422_problem_with_errors(server):
    body = _problem(httpx.post(f"{server}/v1/_test/things", json={"amount": "lots"}), 422)
    assert body["type"] == "validation-error"
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert locations == {("body", "name"), ("body", "amount")}
    assert all({"loc", "msg", "type"} <= set(e) for e in body["errors"])


def test_invalid_json_is_422_problem(server):
    reply = httpx.post(
        f"{server}/v1/_test/things", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert _problem(reply, 422)["type"] == "validation-error"


def test_invalid_path_parameter_is_422_problem(server):
    body = _problem(httpx.get(f"{server}/v1/_test/items/abc"), 422)
    assert body["errors"][0]["loc"] == ["path", "item_id"]


def test_validation_errors_do_not_echo_input(server):
    reply = httpx.post(f"{server}/v1/_test/things", json={"name": ["6222021234567890"], "amount": "x"})
    assert "6222021234567890" not in reply.text


def test_unhandled_exception_is_500_problem_without_internals(server):
    reply = httpx.get(f"{server}/v1/_test/boom")
    body = _problem(reply, 500)
    assert body["type"] == "internal-error"
    assert "hunter2" not in reply.text and "RuntimeError" not in reply.text and "Traceback" not in reply.text


def test_domain_problem_keeps_type_and_extensions(server):
    body = _problem(httpx.get(f"{server}/v1/_test/problem"), 422)
    assert body["type"] == "invalid-national-id"
    assert body["title"] == "Invalid national ID" and body["detail"] == "checksum mismatch"
    assert body["errors"] == [{"field": "national_id", "code": "checksum"}]
    assert body["instance"] == "/v1/_test/problem"


def test_openapi_documents_v1_routes(server):
    spec = httpx.get(f"{server}/openapi.json").json()
    assert "/v1/auth/siwe" in spec["paths"] and "/v1/admin/api-keys" in spec["paths"]
    assert "/healthz" in spec["paths"] and "/readyz" in spec["paths"]
    responses = spec["paths"]["/v1/auth/siwe"]["post"]["responses"]
    for status in ("401", "422", "429"):
        assert set(responses[status]["content"]) == {"application/problem+json"}
    assert "ProblemDetails" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(spec)
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
    assert httpx.get(f"{server}/docs").status_code == 200
