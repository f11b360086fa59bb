"""An agreement's text, hash, HTML, PDF and EIP-712 typed data.

The text is the template of its version filled with the terms (`string.Template`: every placeholder
must be given, so a template cannot silently render a blank). The hash the borrower signs and the
market binds is the keccak-256 of that text's UTF-8 bytes: the same terms under the same version always
give the same text and hash. HTML and PDF are presentations of the text, plus the signatures and their
verification; they are not what is hashed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Any

from eth_utils import keccak

from backend.agreements import problems
from backend.statements.pdf import document, percent, units

TEMPLATES = Path(__file__).parent / "templates"
ZERO_ADDRESS = "0x" + "00" * 20
DOMAIN_NAME = "PeerLend Loan Agreement"
DOMAIN_VERSION = "1"
EIP712_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
AGREEMENT_FIELDS = [
    {"name": "agreementHash", "type": "bytes32"},
    {"name": "borrower", "type": "address"},
    {"name": "principal", "type": "uint256"},
    {"name": "minFill", "type": "uint256"},
    {"name": "aprBps", "type": "uint16"},
    {"name": "numPeriods", "type": "uint16"},
    {"name": "periodLength", "type": "uint32"},
    {"name": "listingDeadline", "type": "uint40"},
    {"name": "collateralToken", "type": "address"},
    {"name": "collateralAmount", "type": "uint256"},
    {"name": "templateVersion", "type": "string"},
]
_UINT256 = ("principal", "minFill", "collateralAmount")


@dataclass(frozen=True)
class Fees:
    """The market's fees when the agreement is rendered (bps; the late fee per day)."""

    origination_fee_bps: int
    servicing_fee_bps: int
    reserve_share_bps: int
    late_fee_bps_per_day: int


def template(version: str) -> Template:
    path = TEMPLATES / f"{version}.md"
    if not re.fullmatch(r"v[0-9]{1,4}", version) or not path.is_file():
        raise problems.unknown_template(version)
    return Template(path.read_text(encoding="utf-8"))


def render_text(terms: dict[str, Any]) -> str:
    """The agreement's text for `terms` (as stored in `loan_agreements.terms`)."""
    d = int(terms["decimals"])
    principal, min_fill = int(terms["principal"]), int(terms["minFill"])
    collateral_amount = int(terms["collateralAmount"])
    if collateral_amount == 0:
        collateral = "None: the loan is unsecured."
    else:
        collateral = (
            f"- The borrower pledges {collateral_amount} base units of token `{terms['collateralToken']}` "
            "to the market's collateral vault at listing.\n"
            "- The vault holds it until the loan is repaid in full, releases it on cancellation or expiry, "
            "and may liquidate it after a default or when the loan-to-value passes the grade's limit."
        )
    deadline = datetime.fromtimestamp(int(terms["listingDeadline"]), UTC).strftime("%Y-%m-%d %H:%M:%S")
    return template(terms["templateVersion"]).substitute(
        template_version=terms["templateVersion"],
        borrower=terms["borrower"],
        borrower_ref=terms["borrowerRef"],
        market=terms["market"],
        chain_id=terms["chainId"],
        application_id=terms["applicationId"],
        grade="ABCDEFG"[int(terms["grade"]) - 1],
        currency=terms["currency"],
        principal=units(principal, d),
        principal_units=principal,
        min_fill=units(min_fill, d),
        min_fill_units=min_fill,
        apr=percent(int(terms["aprBps"])),
        apr_bps=terms["aprBps"],
        num_periods=terms["numPeriods"],
        period_days=_days(int(terms["periodLength"])),
        period_length=terms["periodLength"],
        listing_deadline=deadline,
        origination_fee=percent(int(terms["originationFeeBps"])),
        origination_fee_bps=terms["originationFeeBps"],
        servicing_fee=percent(int(terms["servicingFeeBps"])),
        servicing_fee_bps=terms["servicingFeeBps"],
        reserve_share=percent(int(terms["reserveShareBps"])),
        reserve_share_bps=terms["reserveShareBps"],
        late_fee=percent(int(terms["lateFeeBpsPerDay"])),
        late_fee_bps=terms["lateFeeBpsPerDay"],
        collateral=collateral,
    )


def _days(seconds: int) -> str:
    whole, rest = divmod(seconds, 86_400)
    return str(whole) if rest == 0 else f"{whole} and {rest} seconds"


def agreement_hash(text: str) -> str:
    return "0x" + keccak(text.encode("utf-8")).hex()


def typed_data(terms: dict[str, Any], digest: str, *, wire: bool) -> dict[str, Any]:
    """The EIP-712 typed data the borrower signs: the agreement's hash with its key terms, under a domain
    naming the chain and market. `wire`: uint256 values as decimal text (JSON clients), else integers
    (what eth_account encodes)."""
    message: dict[str, Any] = {
        "agreementHash": digest,
        "borrower": terms["borrower"],
        "principal": int(terms["principal"]),
        "minFill": int(terms["minFill"]),
        "aprBps": int(terms["aprBps"]),
        "numPeriods": int(terms["numPeriods"]),
        "periodLength": int(terms["periodLength"]),
        "listingDeadline": int(terms["listingDeadline"]),
        "collateralToken": terms["collateralToken"],
        "collateralAmount": int(terms["collateralAmount"]),
        "templateVersion": terms["templateVersion"],
    }
    if wire:
        message.update({k: str(message[k]) for k in _UINT256})
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN_FIELDS, "LoanAgreement": AGREEMENT_FIELDS},
        "primaryType": "LoanAgreement",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": int(terms["chainId"]),
            "verifyingContract": terms["market"],
        },
        "message": message,
    }


# ------------------------------------------------------------------------------------------ presentations


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def markdown_html(text: str) -> str:
    """The subset of Markdown the templates use (headings, lists, paragraphs, bold, code) as HTML."""
    parts: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            parts.append("<p>" + _inline(" ".join(paragraph)) + "</p>")
            paragraph.clear()
        if items:
            parts.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        heading = re.match(r"^(#{1,3}) (.*)$", line)
        if heading:
            flush()
            level = len(heading.group(1))
            parts.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return "\n".join(parts)


def verification_lines(view: Any) -> list[tuple[str, str]]:
    """(label, value) rows of an agreement's signatures and their verification (a LoanAgreementOut)."""
    b = view.borrower_signature
    rows = [
        ("Agreement hash", view.agreement_hash),
        ("Bound on-chain", f"{view.binding.tx_hash} (block {view.binding.block_number})"),
        ("Borrower", view.borrower),
        ("Borrower signature", b.signature or "none"),
        ("Recovered signer", b.recovered or "none"),
        ("Borrower signature verified", "yes" if b.verified else "NO"),
        ("Listed hash is the signed agreement's", "yes" if view.binding.matches_signed else "NO"),
    ]
    for a in view.acceptances:
        rows.append(
            (
                f"Lender {a.lender} (note {a.note_id})",
                f"accepted in {a.tx_hash}: {'same hash' if a.verified else 'ANOTHER HASH'}",
            )
        )
    rows.append(("Verified", "yes" if view.verified else "NO"))
    return rows


def agreement_html(view: Any) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td><code>{html.escape(value)}</code></td></tr>"
        for label, value in verification_lines(view)
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Loan {view.loan_id} agreement</title></head><body>\n"
        f'<article class="agreement">\n{markdown_html(view.text)}\n</article>\n'
        f'<section class="signatures"><h2>Signatures and verification</h2><table>{rows}</table></section>\n'
        "</body></html>\n"
    )


def _plain(line: str) -> str:
    return line.replace("**", "").replace("`", "").lstrip("#").strip()


def agreement_pdf(view: Any) -> bytes:
    pdf = document(f"Loan {view.loan_id} agreement")
    pdf.add_page()
    for line in view.text.splitlines():
        if line.startswith("#"):
            pdf.set_font("Helvetica", style="B", size=13 if line.startswith("# ") else 11)
            pdf.multi_cell(0, 7, _plain(line), new_x="LMARGIN", new_y="NEXT")
        elif line.strip():
            pdf.set_font("Helvetica", size=9)
            pdf.multi_cell(0, 5, _plain(line), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(2)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(0, 7, "Signatures and verification", new_x="LMARGIN", new_y="NEXT")
    for label, value in verification_lines(view):
        pdf.set_font("Helvetica", style="B", size=8)
        pdf.multi_cell(0, 4, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Courier", size=7)
        pdf.multi_cell(0, 4, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
