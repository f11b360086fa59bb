"""The demo's reminder phase: a borrower gives the platform an email address, the chain's clock reaches
three days before her first due date, and the reminder scheduler (`make up` runs it) mails her; the demo
reads the message the local SMTP sink received (.run/mail/) and her in-app inbox.

Without a mail directory (a stack that runs no SMTP sink or scheduler, as the end-to-end test's), the
phase only records the address and moves no clock."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from demo.chain import DAY
from demo.mail_sink import received

if TYPE_CHECKING:
    from demo.lifecycle import Lifecycle

REMINDER_WAIT_SECONDS = 90


def reminder_email(ctx: Lifecycle) -> None:
    ctx.headline("5b. Servicing: a repayment reminder three days before the first due date")
    ada, loan = ctx.actors["Ada"], ctx.loans["A"]
    assert ada.api is not None
    address = f"ada.{ada.address[2:10].lower()}@example.org"  # one address per run: the mail dir is shared
    ada.api.request("PATCH", "/v2/notifications/preferences", json={"email": address})
    ctx.say(f"Ada asks for notices by email ({address}); her contact point is stored encrypted")
    mail_dir = ctx.stack.mail_dir
    if mail_dir is None:
        ctx.say("no mail sink or reminder scheduler with this platform: no reminder to wait for")
        return
    due = loan.schedule[0]["due"]
    three_days_before = due - due % DAY - 3 * DAY + 3600
    ctx.chain.advance_to(three_days_before)
    message = _wait_for_mail(Path(mail_dir), address, REMINDER_WAIT_SECONDS)
    ctx.say(
        f'reminder email received by {address}: "{message["Subject"]}" (Message-ID {message["Message-ID"]})'
    )
    inbox = ada.api.get("/v2/notifications")["items"]
    reminder = next(n for n in inbox if n["kind"] == "repayment_reminder")
    channels = ", ".join(f"{d['channel']} {d['status']}" for d in reminder["deliveries"])
    ctx.say(f"Ada's inbox has it too ({channels}, inbox): {reminder['body'][:90]}...")


def _wait_for_mail(directory: Path, address: str, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        mine = [m for m in received(directory) if m["To"] == address] if directory.exists() else []
        if mine:
            return mine[0]
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"no reminder email for {address} in {directory} after {timeout:.0f}s: is the reminder "
                "scheduler running (make up starts it; .run/logs/servicing.log)?"
            )
        time.sleep(0.5)
