"""Delivering notices to a real SMTP server (aiosmtpd) and a real HTTP receiver on loopback: what each
receives, how webhooks are signed, how failures are retried with backoff and when they are given up, and
what the delivery figures on /metrics count."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from backend.notifications.channels.webhook import ATTEMPT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from backend.notifications.metrics import notification_figures
from backend.notifications.models import Notification, NotificationDelivery
from backend.notifications.service import Notice, notify
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe


def _notify(session, recipient: str, key: str = "chain:0xab:1", guard: str | None = None) -> Notification:
    notice = notify(
        session,
        Notice(
            kind="loan_repaid",
            recipient=recipient,
            key=key,
            subject="Loan #7 repaid 120.50",
            body="Loan #7 received a repayment of 120.50.",
            data={"loanId": 7, "amount": "120500000"},
            occurred_at=1_800_000_000,
            guard=guard,
        ),
    )
    session.commit()
    assert notice is not None
    return notice


def _delivery(session, channel: str) -> NotificationDelivery:
    session.expire_all()
    return session.scalars(select(NotificationDelivery).where(NotificationDelivery.channel == channel)).one()


def _figures(session) -> dict[tuple[str, str], float]:
    return {(f.name, f.labels.get("channel", "")): f.value for f in notification_figures(session)}


def test_email_reaches_the_smtp_server_with_a_message_id_derived_from_the_delivery(
    session, keyring, sender, mail
):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org")
    notice = _notify(session, ada)
    assert sender.deliver_due().outcomes == {"sent": 1}
    [message] = mail.messages()
    delivery = _delivery(session, "email")
    assert message["To"] == "ada@example.org" and message["Subject"] == "Loan #7 repaid 120.50"
    assert message["Message-ID"] == f"<{delivery.id}.{notice.event_id}@peerlend.localhost>"
    assert "received a repayment of 120.50" in message.get_content()
    assert (delivery.status, delivery.attempts, delivery.sent_at is not None) == ("sent", 1, True)
    assert sender.deliver_due().attempted == 0  # sent is sent
    figures = _figures(session)
    assert figures[("peerlend_notifications_sent", "email")] == 1
    assert figures[("peerlend_notifications_sent", "inbox")] == 1


def test_webhooks_are_signed_with_the_subscribers_secret_over_timestamp_and_body(
    session, keyring, sender, hooks
):
    ada = wallet("ada")
    secret = subscribe(session, keyring, ada, webhook=hooks.url).webhook_secret
    notice = _notify(session, ada)
    assert sender.deliver_due().outcomes == {"sent": 1}
    [hit] = hooks.hits
    assert hit.headers[EVENT_ID_HEADER] == notice.event_id and hit.headers[ATTEMPT_HEADER] == "1"
    header = hit.headers[SIGNATURE_HEADER]
    assert verify(secret, header, hit.body)
    assert json.loads(hit.body)["data"] == {"loanId": 7, "amount": "120500000"}
    # what a receiver refuses: another body, another secret, a replay outside the tolerance
    assert not verify(secret, header, hit.body.replace(b"120500000", b"999999999"))
    assert not verify("whsec_someone-else", header, hit.body)
    assert not verify(secret, header, hit.body, now=time.time() + 3600)


def test_a_failing_webhook_is_retried_with_growing_backoff_until_it_answers(
    session, keyring, sender, hooks, clock
):
    ada = wallet("ada")
    subscribe(session, keyring, ada, webhook=hooks.url)
    _notify(session, ada)
    hooks.script = [500, 503]
    delays = []
    for expected in ("retry", "retry"):
        assert sender.deliver_due().outcomes == {expected: 1}
        delivery = _delivery(session, "webhook")
        delays.append((delivery.next_attempt_at - delivery.updated_at).total_seconds())
        assert sender.deliver_due().attempted == 0  # not due yet: the backoff holds it back
        clock.advance(seconds=1)
    assert sender.deliver_due().outcomes == {"sent": 1}
    # base 1 ms, doubling, with at most 25 % spread
    assert 0.001 <= delays[0] <= 0.00125 and 0.002 <= delays[1] <= 0.0025
    assert [h.status for h in hooks.hits] == [500, 503, 200]
    assert [h.headers[ATTEMPT_HEADER] for h in hooks.hits] == ["1", "2", "3"]
    assert len({h.headers[EVENT_ID_HEADER] for h in hooks.hits}) == 1  # one event, three attempts
    assert len(hooks.processed) == 1
    delivery = _delivery(session, "webhook")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, None)
    figures = _figures(session)
    assert figures[("peerlend_notifications_retried", "webhook")] == 2
    assert figures[("peerlend_notifications_sent", "webhook")] == 1


def test_a_delivery_is_given_up_after_the_last_attempt_or_a_permanent_refusal(
    session, keyring, sender, hooks, mail, clock
):
    ada, ben = wallet("ada"), wallet("ben")
    subscribe(session, keyring, ada, webhook=hooks.url)
    subscribe(session, keyring, ben, email="ben@example.org")
    hooks.script = [500] * 10
    mail.handler.rcpt_replies["ben@example.org"] = ["550 5.1.1 no such mailbox"]
    _notify(session, ada, key="a")
    _notify(session, ben, key="b")
    deadline = time.monotonic() + 10
    while _delivery(session, "webhook").status == "pending" and time.monotonic() < deadline:
        sender.deliver_due()
        clock.advance(seconds=1)
    assert len(hooks.hits) == sender.settings.max_attempts == 4
    webhook, email = _delivery(session, "webhook"), _delivery(session, "email")
    assert (webhook.status, webhook.last_error) == ("failed", "webhook http 500")
    assert (email.status, email.attempts, email.last_error) == ("failed", 1, "smtp rcpt 550")
    assert "ben@example.org" not in str(email.last_error)  # never the address, nor the server's words
    assert mail.messages() == []
    figures = _figures(session)
    assert figures[("peerlend_notifications_failed", "webhook")] == 1
    assert figures[("peerlend_notifications_failed", "email")] == 1
    assert figures[("peerlend_notifications_retried", "webhook")] == 3


def test_a_temporary_smtp_refusal_is_retried_and_then_delivered_once(session, keyring, sender, mail, clock):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org")
    mail.handler.rcpt_replies["ada@example.org"] = ["451 4.3.0 try again later"]
    _notify(session, ada)
    assert sender.deliver_due().outcomes == {"retry": 1}
    clock.advance(seconds=1)
    assert sender.deliver_due().outcomes == {"sent": 1}
    assert len(mail.messages()) == 1
    assert _delivery(session, "email").attempts == 2


def test_guarded_notices_leave_only_through_a_sender_that_knows_the_guard(
    session, sessions, keyring, options, hooks
):
    from backend.notifications.sender import Sender

    ada = wallet("ada")
    subscribe(session, keyring, ada, webhook=hooks.url)
    _notify(session, ada, key="a", guard="test.still-relevant")
    _notify(session, ada, key="b", guard="test.still-relevant")
    plain = Sender(sessions, options, keyring, unguarded=True)
    assert plain.deliver_due().attempted == 0  # it cannot check them: it leaves them alone
    verdicts = iter([None, "paid"])
    guarded = Sender(
        sessions,
        options,
        keyring,
        guards={"test.still-relevant": lambda s, n: next(verdicts)},
        unguarded=False,
    )
    assert guarded.deliver_due().outcomes == {"sent": 1, "cancelled": 1}
    session.expire_all()
    statuses = sorted((d.status, d.reason) for d in session.scalars(select(NotificationDelivery)))
    assert statuses == [("cancelled", "paid"), ("sent", None)]
    assert len(hooks.hits) == 1
    plain.close()
    guarded.close()
