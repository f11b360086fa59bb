"""The agreements API over HTTP: the borrower gets the agreement of its offer and intended listing, signs
its typed data and posts the signature (another wallet's agreement is a 404; a wrong signer a 422), and
a listed loan's agreement renders as HTML, PDF or JSON with the signatures and their verification."""

from __future__ import annotations

import io

import httpx
import pytest
from pypdf import PdfReader

from backend.risk.config import USDC
from tests.backend.agreements.agreement_support import FEES, accept, approved, bind, sign_typed
from tests.backend.factories import read_models
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.wallets import account
from tests.support.server import auth_headers, siwe_login

ANA, BEN, LENDER = account("agreement-api-ana"), account("agreement-api-ben"), account("agreement-api-lender")


@pytest.fixture(scope="module")
def api(live_server):
    live_server.app.state.agreement_fees = lambda: FEES
    url = str(live_server)
    return {
        "url": url,
        "server": live_server,
        "ana": auth_headers(siwe_login(url, ANA)),
        "ben": auth_headers(siwe_login(url, BEN)),
    }


def _call(api, method, path, headers=None, body=None, **kwargs):
    return httpx.request(method, f"{api['url']}/v2{path}", headers=headers, json=body, timeout=30, **kwargs)


@pytest.fixture
def application_id(api, scorecard):
    with api["server"].session() as s:
        return approved(s, scorecard, ANA.address).id


def _prepare(api, application_id, who="ana"):
    body = {
        "applicationId": application_id,
        "principal": str(1_500 * USDC),
        "listingDeadline": CHAIN_NOW + 86_400,
    }
    return _call(api, "POST", "/agreements", api[who], body)


def test_the_borrower_gets_signs_and_only_it_reaches_its_agreement(api, application_id):
    draft = _prepare(api, application_id)
    assert draft.status_code == 201, draft.text
    agreement = draft.json()
    assert (
        agreement["status"] == "draft"
        and agreement["agreementHash"] == agreement["typedData"]["message"]["agreementHash"]
    )
    assert _prepare(api, application_id, "ben").json()["type"] == "agreement-application-not-found"
    assert _call(api, "POST", "/agreements", {}, {}).status_code == 401

    path = f"/agreements/{agreement['id']}"
    ben_signs = _call(
        api, "POST", f"{path}/signature", api["ben"], {"signature": sign_typed(BEN, agreement["typedData"])}
    )
    assert (ben_signs.status_code, ben_signs.json()["type"]) == (404, "agreement-not-found")
    assert _call(api, "GET", path, api["ben"]).status_code == 404
    wrong = _call(
        api, "POST", f"{path}/signature", api["ana"], {"signature": sign_typed(BEN, agreement["typedData"])}
    )
    assert (wrong.status_code, wrong.json()["type"]) == (422, "agreement-wrong-signer")
    signed = _call(
        api, "POST", f"{path}/signature", api["ana"], {"signature": sign_typed(ANA, agreement["typedData"])}
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed"
    assert _call(api, "GET", path, api["ana"]).json()["signature"] == signed.json()["signature"]


def test_a_listed_loans_agreement_renders_as_html_pdf_and_json(api, application_id):
    agreement = _prepare(api, application_id).json()
    _call(
        api,
        "POST",
        f"/agreements/{agreement['id']}/signature",
        api["ana"],
        {"signature": sign_typed(ANA, agreement["typedData"])},
    )
    with api["server"].session() as s:
        loan = read_models.loan(s, ANA.address, status="listed", principal=1_500 * USDC)
        s.commit()
        loan_id = loan.loan_id
        bind(s, loan_id, agreement["agreementHash"])
        accept(s, loan_id, (loan_id << 32) | 0, LENDER.address, agreement["agreementHash"])

    page = _call(api, "GET", f"/loans/{loan_id}/agreement")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Signatures and verification" in page.text and agreement["agreementHash"] in page.text
    assert "1,500.000000 USDC" in page.text and LENDER.address in page.text

    pdf = _call(api, "GET", f"/loans/{loan_id}/agreement", {"Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "PeerLend loan agreement" in text and "Borrower signature verified" in text

    view = _call(api, "GET", f"/loans/{loan_id}/agreement", params={"format": "json"}).json()
    assert view["verified"] is True and view["borrowerSignature"]["recovered"] == ANA.address
    assert [a["lender"] for a in view["acceptances"]] == [LENDER.address]
    assert view["binding"]["matchesSigned"] is True

    assert _call(api, "GET", f"/loans/{loan_id}/agreement", {"Accept": "image/png"}).status_code == 406
    missing = _call(api, "GET", f"/loans/{loan_id + 999}/agreement")
    assert (missing.status_code, missing.json()["type"]) == (404, "loan-agreement-not-found")
