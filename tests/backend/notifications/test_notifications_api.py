"""The notifications API over HTTP: a wallet reads and marks only its own inbox (another wallet's notice
is a 404, as one that does not exist), pages it by cursor, and sets its contact points and channels,
with bad input answered as problems."""

from __future__ import annotations

import httpx
import pytest

from backend.notifications.service import Notice, notify
from tests.backend.factories.wallets import account
from tests.support.server import auth_headers, siwe_login

ADA, BEN = account("inbox-ada"), account("inbox-ben")


@pytest.fixture(scope="module")
def inbox(live_server):
    """Ada has five notices, Ben one; both signed in."""
    with live_server.session() as session:
        for n in range(5):
            notify(
                session,
                Notice(
                    kind="loan_late" if n == 4 else "loan_repaid",
                    recipient=ADA.address,
                    key=f"chain:0x{n:064x}:0",
                    subject=f"Loan #{n} repaid",
                    body="Repaid.",
                    data={"loanId": n, "amount": "1000000"},
                    occurred_at=1_800_000_000 + n,
                ),
            )
        notify(
            session,
            Notice(kind="loan_repaid", recipient=BEN.address, key="chain:0xb:0", subject="Ben's", body="b"),
        )
        session.commit()
    return {
        "url": str(live_server),
        ADA.address: auth_headers(siwe_login(live_server, ADA)),
        BEN.address: auth_headers(siwe_login(live_server, BEN)),
    }


def _get(inbox, who, path="/v2/notifications", **params):
    return httpx.get(f"{inbox['url']}{path}", headers=inbox[who.address], params=params, timeout=30)


def _post(inbox, who, path, body=None):
    return httpx.post(f"{inbox['url']}{path}", headers=inbox[who.address], json=body, timeout=30)


def test_a_wallet_reads_its_own_notices_newest_first_page_by_page(inbox):
    first = _get(inbox, ADA, limit=3).json()
    assert [i["subject"] for i in first["items"]] == ["Loan #4 repaid", "Loan #3 repaid", "Loan #2 repaid"]
    rest = _get(inbox, ADA, limit=3, cursor=first["nextCursor"]).json()
    assert [i["subject"] for i in rest["items"]] == ["Loan #1 repaid", "Loan #0 repaid"]
    assert rest["nextCursor"] is None
    item = rest["items"][1]
    assert item["data"] == {"loanId": 0, "amount": "1000000"} and item["occurredAt"] == "2027-01-15T08:00:00Z"
    assert item["readAt"] is None and item["deliveries"] == []
    assert [i["subject"] for i in _get(inbox, BEN).json()["items"]] == ["Ben's"]
    # a cursor of the unread list is not one of the whole list
    unread = _get(inbox, ADA, limit=1, unread="true").json()
    assert _get(inbox, ADA, cursor=unread["nextCursor"]).status_code == 422


def test_one_wallet_cannot_read_or_mark_anothers_notice(inbox):
    bens = _get(inbox, BEN).json()["items"][0]["id"]
    reply = _post(inbox, ADA, f"/v2/notifications/{bens}/read")
    assert reply.status_code == 404 and reply.json()["type"] == "notification-not-found"
    adas = [i["id"] for i in _get(inbox, ADA).json()["items"]]
    reply = _post(inbox, ADA, "/v2/notifications/read", {"ids": [adas[0], bens]})
    assert reply.status_code == 404 and reply.json()["ids"] == [bens]
    assert _get(inbox, ADA).json()["items"][0]["readAt"] is None  # all or none: nothing was marked
    assert _get(inbox, BEN).json()["items"][0]["readAt"] is None
    assert httpx.get(f"{inbox['url']}/v2/notifications", timeout=30).status_code == 401


def test_read_marks_one_or_many_and_the_unread_filter_follows_them(inbox):
    ids = [i["id"] for i in _get(inbox, ADA).json()["items"]]
    one = _post(inbox, ADA, f"/v2/notifications/{ids[0]}/read")
    assert one.status_code == 200 and one.json()["readAt"] is not None
    assert _post(inbox, ADA, f"/v2/notifications/{ids[0]}/read").json()["readAt"] == one.json()["readAt"]
    many = _post(inbox, ADA, "/v2/notifications/read", {"ids": ids[:3]})
    assert many.json() == {"read": 2}  # the first was read already
    assert [i["id"] for i in _get(inbox, ADA, unread="true").json()["items"]] == ids[3:]
    for bad in ({"ids": []}, {"ids": ["not-an-id"]}, {"ids": ids[0]}, {}):
        assert _post(inbox, ADA, "/v2/notifications/read", bad).status_code == 422


def test_contact_points_and_channels_are_set_by_their_owner_and_bad_ones_refused(inbox):
    url = f"{inbox['url']}/v2/notifications/preferences"
    headers = inbox[BEN.address]
    before = httpx.get(url, headers=headers, timeout=30).json()
    assert before["email"] is None and before["kinds"]["repayment_reminder"] == {
        "email": True,
        "webhook": True,
        "inbox": True,
    }
    body = {
        "email": "ben@example.org",
        "webhookUrl": "https://hooks.example.org/ben",
        "kinds": {"loan_repaid": {"email": False}},
    }
    changed = httpx.patch(url, headers=headers, json=body, timeout=30).json()
    assert changed["email"] == "ben@example.org" and changed["webhookSecret"].startswith("whsec_")
    assert changed["kinds"]["loan_repaid"] == {"email": False, "webhook": True, "inbox": True}
    again = httpx.get(url, headers=headers, timeout=30).json()
    assert again["webhookSecretSet"] is True and again["webhookSecret"] is None  # shown once
    assert httpx.get(url, headers=inbox[ADA.address], timeout=30).json()["email"] is None  # Ben's, not Ada's
    problems = {
        "invalid-contact-point": [{"email": "ben at example"}, {"webhookUrl": "ftp://hooks.example.org/x"}],
        "unknown-notice-kind": [{"kinds": {"birthday": {"email": True}}}],
        "validation-error": [{"kinds": {"loan_repaid": {"email": "yes"}}}, {"colour": "blue"}, {"email": 7}],
    }
    for kind, bodies in problems.items():
        for bad in bodies:
            reply = httpx.patch(url, headers=headers, json=bad, timeout=30)
            assert (reply.status_code, reply.json()["type"]) == (422, kind), bad
    assert httpx.patch(url, json=body, timeout=30).status_code == 401


def test_delivery_figures_are_on_metrics(inbox):
    text = httpx.get(f"{inbox['url']}/metrics", timeout=30).text
    assert 'peerlend_notifications_sent_total{channel="inbox"} 6.0' in text  # Ada's five and Ben's one
    for family in ("sent", "failed", "retried"):
        for channel in ("email", "webhook"):
            assert f'peerlend_notifications_{family}_total{{channel="{channel}"}}' in text
            assert f'peerlend_reminders_{family}_total{{channel="{channel}"}}' in text
    assert "peerlend_reminders_superseded_total 0.0" in text
