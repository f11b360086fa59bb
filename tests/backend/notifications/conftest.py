"""Fixtures of the notification service tests: the service keyring, settings that deliver to the test's
own SMTP sink and webhook receiver with short backoffs, and a sender over the test's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from backend.notifications import service
from backend.notifications.config import NotificationSettings
from backend.notifications.schemas import PreferencesIn, PreferencesOut
from backend.notifications.sender import Sender
from backend.privacy.crypto import Keyring
from backend.privacy.keys import keyring_from_settings
from tests.backend.notifications.receivers import MailSink, WebhookReceiver, mail_sink, webhook_receiver


@pytest.fixture
def keyring(app_settings) -> Keyring:
    return keyring_from_settings(app_settings)


@pytest.fixture
def mail(tmp_path) -> Iterator[MailSink]:
    with mail_sink(tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture
def options(mail) -> NotificationSettings:
    return NotificationSettings(
        env="test",
        smtp_port=mail.port,
        smtp_timeout_seconds=5,
        backoff_base_seconds=0.001,
        backoff_max_seconds=0.01,
        max_attempts=4,
        webhook_timeout_seconds=5,
    )


@pytest.fixture
def sender(sessions, options, keyring) -> Iterator[Sender]:
    sender = Sender(sessions, options, keyring, unguarded=True)
    yield sender
    sender.close()


def subscribe(
    session: Session, keyring: Keyring, wallet: str, *, email: str | None = None, webhook: str | None = None
) -> PreferencesOut:
    """Sets a wallet's contact points through the service, as PATCH /v2/notifications/preferences does."""
    fields = {"email": email} if email else {}
    if webhook:
        fields["webhook_url"] = webhook
    return service.update_preferences(
        session, keyring, NotificationSettings(env="test"), wallet, PreferencesIn.model_validate(fields)
    )
