"""Email over SMTP (stdlib smtplib), one SMTP transaction per delivery.

SMTP has no idempotency: a server that answered 250 to the end of DATA has taken the message, and a
client that never read that answer cannot know whether it did. So the sender records the transaction's
stage: `before_data()` runs (and commits "handed over") after the envelope (MAIL, RCPT) was accepted and
before the message is sent. Up to that point the server holds nothing and a failure is retried; from it
on, a lost connection or a timeout is `unconfirmed` and not retried, and a sender that died in between is
reconciled the same way (backend/notifications/sender.py). The guarantee is therefore *at most once*, and
exactly once unless the connection or the sender fails during DATA (RFC 1047's window). Every attempt of
one delivery carries the same Message-ID, derived from the delivery id, so a receiving mailbox that sees
it twice (a message resent after a definite 4xx refusal of DATA) can tell it is the same message.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime

from backend.notifications.channels import Outcome
from backend.notifications.config import NotificationSettings
from backend.notifications.models import Notification


def message_id(delivery_id: int, event_id: str, domain: str) -> str:
    return f"<{delivery_id}.{event_id}@{domain}>"


def build_message(
    settings: NotificationSettings, delivery_id: int, notification: Notification, to: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = notification.subject
    message["Date"] = format_datetime(notification.created_at)
    message["Message-ID"] = message_id(delivery_id, notification.event_id, settings.message_id_domain)
    message["X-PeerLend-Event-Id"] = notification.event_id
    message["X-PeerLend-Kind"] = notification.kind
    message.set_content(
        f"{notification.body}\n\n--\nPeerLend. You receive this because your notification preferences send "
        f"{notification.kind.replace('_', ' ')} notices to this address; change them in the app.\n"
    )
    return message


def _code(prefix: str, exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    return f"{prefix} {type(exc).__name__}{f' {code}' if code else ''}"[:120]


def _refused(code: int, stage: str) -> Outcome:
    """A definite refusal: 4xx is temporary (retry), 5xx permanent (failed)."""
    return Outcome("retry" if 400 <= code < 500 else "failed", f"smtp {stage} {code}")


class SmtpChannel:
    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "tls":
            return smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        if s.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, message: EmailMessage, to: str, before_data: Callable[[], None]) -> Outcome:
        s = self.settings
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome("retry", _code("connect", exc))
        try:
            try:
                smtp.ehlo_or_helo_if_needed()
                if s.smtp_username:
                    password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                    smtp.login(s.smtp_username, password)
                sender = message["From"].addresses[0].addr_spec
                code, _ = smtp.mail(sender)
                if code != 250:
                    return _refused(code, "mail")
                code, _ = smtp.rcpt(to)
                if code not in (250, 251):
                    return _refused(code, "rcpt")
            except smtplib.SMTPResponseException as exc:
                return _refused(exc.smtp_code, "envelope")
            except (OSError, smtplib.SMTPException) as exc:  # nothing handed over yet: safe to try again
                return Outcome("retry", _code("envelope", exc))
            before_data()
            try:
                smtp.data(message.as_bytes())
            except smtplib.SMTPResponseException as exc:  # the server answered: it did not take it
                return _refused(exc.smtp_code, "data")
            except (OSError, smtplib.SMTPException) as exc:
                return Outcome("unconfirmed", _code("data", exc))
            return Outcome.sent()
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
