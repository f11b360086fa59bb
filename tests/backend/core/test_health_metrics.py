import re

import httpx


def test_healthz(server):
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}


def test_readyz_ready(server):
    reply = httpx.get(f"{server}/readyz")
    assert reply.status_code == 200
    assert reply.json()["checks"] == {"database": "ok", "chain": "not configured"}


def test_readyz_reports_unreachable_chain(server_factory):
    from tests.support.anvil import free_port

    server = server_factory(rpc_url=f"http://127.0.0.1:{free_port()}", wait_ready=False)
    reply = httpx.get(f"{server}/readyz")
    assert reply.status_code == 503
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["type"] == "not-ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["chain"].startswith("chain unreachable")


def _sample(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{"):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template_and_status(server):
    before = httpx.get(f"{server}/metrics").text
    for item_id in (1, 2, 3):
        httpx.get(f"{server}/v2/_test/items/{item_id}")
    httpx.get(f"{server}/v2/_test/items/oops")
    httpx.get(f"{server}/no/such/route")
    reply = httpx.get(f"{server}/metrics")
    assert reply.headers["content-type"].startswith("text/plain")
    after = reply.text
    route = "/v2/_test/items/{item_id}"
    delta = _sample(after, "peerlend_http_requests_total", route=route, status="200") - _sample(
        before, "peerlend_http_requests_total", route=route, status="200"
    )
    assert delta == 3
    assert _sample(after, "peerlend_http_requests_total", route=route, status="422") >= 1
    assert _sample(after, "peerlend_http_requests_total", route="<unmatched>", status="404") >= 1
    assert _sample(after, "peerlend_http_request_duration_seconds_count", route=route) >= 4
    assert "/v2/_test/items/1" not in after  # raw paths never become labels


def test_metrics_carry_capacity_and_loan_book_figures(server):
    text = httpx.get(f"{server}/metrics").text
    assert _sample(text, "peerlend_active_loans", tier="0") == 0  # an empty book, every tier reported
    assert "peerlend_db_pool_size " in text
    assert "peerlend_admission_in_flight " in text
    assert "peerlend_admission_rejected_total " in text
