"""A statement as PDF (fpdf2, pure Python): the same figures as the JSON, written for people.

Amounts are written in whole units of the stablecoin with every decimal place, from the integer base
units by integer arithmetic (`units`), so the PDF says exactly what the JSON says.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF

from backend.statements.schemas import AnnualSummary, MonthlyStatement, Totals

_ENTRY_LIMIT = 2_000  # lines listed; a longer month refers to the CSV for the rest


def units(amount: int, decimals: int) -> str:
    """1234567890 with 6 decimals -> "1,234.567890" (negative with a leading minus)."""
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**decimals)
    return f"{sign}{whole:,}" + (f".{fraction:0{decimals}d}" if decimals else "")


def percent(bps: int) -> str:
    """1234 bps -> "12.34" (exact, no float)."""
    sign = "-" if bps < 0 else ""
    whole, part = divmod(abs(bps), 100)
    return f"{sign}{whole}.{part:02d}"


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.title_text = title
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)
        self.set_creator("PeerLend")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.cell(0, 5, f"{self.title_text} - page {self.page_no()}", align="C")


def document(title: str) -> FPDF:
    """An A4 document with the statements' page footer, for other domains' PDFs (loan agreements)."""
    return _Document(title)


def _rows(pdf: FPDF, rows: list[tuple[str, str]], width: float = 120) -> None:
    pdf.set_font("Helvetica", size=9)
    for label, value in rows:
        pdf.cell(width - 50, 5, label)
        pdf.cell(50, 5, value, align="R", new_x="LMARGIN", new_y="NEXT")


def _totals_rows(t: Totals, d: int) -> list[tuple[str, str]]:
    r = t.recoveries_by_source
    return [
        ("Funded", units(t.funded, d)),
        ("Refunded", units(t.refunded, d)),
        ("Notes bought: price paid", units(t.purchased, d)),
        ("Notes bought: principal", units(t.purchased_principal, d)),
        ("Notes sold: received", units(t.sold, d)),
        ("Notes sold: principal", units(t.sold_principal, d)),
        ("Notes sold: resale fees", units(t.sale_fees, d)),
        ("Notes sold: earnings settled", units(t.earned_settled_in_sales, d)),
        ("Transferred in: principal", units(t.transferred_in_principal, d)),
        ("Transferred out: principal", units(t.transferred_out_principal, d)),
        ("Repayments credited", units(t.repayments, d)),
        ("  principal", units(t.principal_repaid, d)),
        ("  interest", units(t.interest, d)),
        ("  late fees", units(t.fees, d)),
        ("Servicing fee withheld (your share)", units(t.servicing_fees, d)),
        ("Reserve fund share withheld (your share)", units(t.reserve_contributions, d)),
        ("Recoveries credited", units(t.recoveries, d)),
        ("  principal", units(t.principal_recovered, d)),
        ("  of it after write-off", units(t.recovered_after_write_off, d)),
        ("  from the borrower", units(r.borrower, d)),
        ("  from collateral", units(r.collateral, d)),
        ("  from the reserve fund", units(r.reserve, d)),
        ("Losses written off", units(t.losses, d)),
        ("Claimed", units(t.claimed, d)),
        ("Rounding", units(t.rounding, d)),
    ]


def _header(pdf: _Document, statement: MonthlyStatement | AnnualSummary, heading: str) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    c = statement.currency
    status = "final" if statement.final else f"provisional: as of {_day(statement.as_of)} UTC"
    for line in (
        f"Wallet {statement.wallet}",
        f"Period {_day(statement.start)} to {_day(statement.end)} UTC (chain time), {status}",
        f"Closing block {statement.closing_block if statement.closing_block is not None else '-'}; "
        f"amounts in {c.symbol} ({c.decimals} decimals)",
    ):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    p, d = statement.positions, c.decimals
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(0, 6, "Positions", new_x="LMARGIN", new_y="NEXT")
    _rows(
        pdf,
        [
            ("Opening principal outstanding", units(p.opening_principal, d)),
            ("Closing principal outstanding", units(p.closing_principal, d)),
            ("Opening earned, not claimed", units(p.opening_unclaimed, d)),
            ("Closing earned, not claimed", units(p.closing_unclaimed, d)),
        ],
    )
    pdf.ln(2)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(0, 6, "Movements", new_x="LMARGIN", new_y="NEXT")
    _rows(pdf, _totals_rows(statement.totals, d))


def _table(pdf: FPDF, head: list[str], widths: list[float], rows: list[list[str]]) -> None:
    pdf.set_font("Helvetica", style="B", size=7)
    for text, width in zip(head, widths, strict=True):
        pdf.cell(width, 5, text, border="B", align="R" if width < 30 and text not in ("kind",) else "L")
    pdf.ln(5)
    pdf.set_font("Helvetica", size=7)
    for row in rows:
        for index, (text, width) in enumerate(zip(row, widths, strict=True)):
            pdf.cell(width, 4.2, text, align="L" if index in (0, 1) else "R")
        pdf.ln(4.2)


def monthly_pdf(statement: MonthlyStatement) -> bytes:
    pdf = _Document(f"PeerLend statement {statement.period}")
    _header(pdf, statement, f"Monthly statement {statement.period}")
    d = statement.currency.decimals
    pdf.ln(2)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(0, 6, "Notes held", new_x="LMARGIN", new_y="NEXT")
    _table(
        pdf,
        ["loan", "note", "opening", "closing", "unclaimed"],
        [20, 40, 40, 40, 40],
        [
            [
                str(n.loan_id),
                str(n.note_id),
                units(n.opening_principal, d),
                units(n.closing_principal, d) + (" (written off)" if n.written_off else ""),
                units(n.closing_unclaimed, d),
            ]
            for n in statement.notes
        ],
    )
    pdf.ln(3)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(0, 6, "Entries", new_x="LMARGIN", new_y="NEXT")
    _table(
        pdf,
        ["date (UTC)", "kind", "loan", "note", "amount", "principal", "interest", "fees"],
        [30, 22, 12, 26, 26, 26, 24, 22],
        [
            [
                _day(e.at),
                e.kind + (f"/{e.source}" if e.source else ""),
                str(e.loan_id),
                str(e.note_id),
                units(e.amount, d),
                units(e.principal, d),
                units(e.interest, d),
                units(e.fees, d),
            ]
            for e in statement.entries[:_ENTRY_LIMIT]
        ],
    )
    if len(statement.entries) > _ENTRY_LIMIT:
        pdf.cell(0, 5, f"... {len(statement.entries) - _ENTRY_LIMIT} more entries in the CSV statement")
    return bytes(pdf.output())


def annual_pdf(summary: AnnualSummary) -> bytes:
    pdf = _Document(f"PeerLend annual summary {summary.year}")
    _header(pdf, summary, f"Annual summary {summary.year}")
    pdf.ln(2)
    pdf.set_font("Helvetica", style="B", size=10)
    rate = summary.xirr_bps
    text = "n/a" if rate is None else f"{percent(rate)}% a year ({rate} bps)"
    pdf.cell(0, 6, f"Net annualised return (XIRR): {text}", new_x="LMARGIN", new_y="NEXT")
    d = summary.currency.decimals
    _table(
        pdf,
        ["date (UTC)", "cash flow", "amount"],
        [40, 40, 40],
        [[_day(f.at), f.kind, units(f.amount, d)] for f in summary.cash_flows[:_ENTRY_LIMIT]],
    )
    return bytes(pdf.output())
