"""Recording notices: one notice per (fact, recipient), one delivery per channel the recipient's
preferences and contact points allow, and contact points that are ciphertext at rest."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from backend.notifications import service
from backend.notifications.config import NotificationSettings
from backend.notifications.models import Notification, NotificationContact, NotificationDelivery, contact_aad
from backend.notifications.schemas import PreferencesIn
from backend.notifications.service import Notice, notify
from backend.privacy.crypto import DecryptionError
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe


def _notice(recipient: str, key: str = "reminder:1:1:T-7", kind: str = "repayment_reminder") -> Notice:
    return Notice(
        kind=kind, recipient=recipient, key=key, subject="Repayment due", body="Pay it.", data={"loanId": 1}
    )


def _deliveries(session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Notification.recipient, NotificationDelivery.channel)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .order_by(NotificationDelivery.id)
    )
    return [tuple(r) for r in rows]


def test_a_notice_recorded_twice_is_one_notice_with_one_delivery_per_channel(session, keyring):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org", webhook="https://hooks.example.org/peerlend")
    first = notify(session, _notice(ada))
    again = notify(session, _notice(ada))
    session.commit()
    assert first is not None and again is None
    assert session.scalar(select(func.count()).select_from(Notification)) == 1
    assert _deliveries(session) == [(ada, "email"), (ada, "webhook")]
    # the same fact for another wallet is another notice, with another id
    ben = wallet("ben")
    other = notify(session, _notice(ben))
    assert other is not None and other.event_id != first.event_id
    assert service.event_id_for("reminder:1:1:T-7", ada) == first.event_id  # derived, not random


def test_channels_follow_preferences_and_contact_points(session, keyring):
    ada, ben = wallet("ada"), wallet("ben")
    subscribe(session, keyring, ada, email="ada@example.org")
    service.update_preferences(
        session,
        keyring,
        NotificationSettings(env="test"),
        ada,
        PreferencesIn.model_validate({"kinds": {"loan_repaid": {"email": False, "inbox": False}}}),
    )
    notify(session, _notice(ada, key="a"))  # a reminder: email (set) and inbox
    repaid = notify(session, _notice(ada, key="b", kind="loan_repaid"))  # email and inbox turned off
    notify(session, _notice(ben, key="a"))  # no contact points: the inbox only
    session.commit()
    assert _deliveries(session) == [(ada, "email")]
    assert repaid is not None and repaid.inbox is False
    with pytest.raises(ValueError, match="unknown notice kind"):
        notify(session, _notice(ada, key="c", kind="no_such_kind"))


def test_contact_points_are_ciphertext_at_rest(session, keyring):
    ada = wallet("ada")
    created = subscribe(
        session, keyring, ada, email="ada.lindqvist@example.org", webhook="https://hooks.example.org/x"
    )
    assert created.webhook_secret and created.webhook_secret.startswith("whsec_")
    raw = session.execute(
        text(
            "SELECT email_ciphertext, webhook_url_ciphertext, webhook_secret_ciphertext"
            " FROM notification_contacts WHERE wallet = :w"
        ),
        {"w": ada},
    ).one()
    dump = " ".join(raw)
    for plaintext in ("ada.lindqvist", "example.org", "hooks", created.webhook_secret):
        assert plaintext not in dump
    assert all(value.startswith("v1.") for value in raw)
    # sealed to its wallet and column: the same ciphertext does not open as another's
    row = session.get(NotificationContact, ada)
    assert keyring.decrypt(row.email_ciphertext, contact_aad(ada, "email")) == b"ada.lindqvist@example.org"
    with pytest.raises(DecryptionError):
        keyring.decrypt(row.email_ciphertext, contact_aad(wallet("ben"), "email"))
    with pytest.raises(DecryptionError):
        keyring.decrypt(row.email_ciphertext, contact_aad(ada, "webhook_url"))
    # the owner reads them back; the secret is never shown again
    again = service.preferences(session, keyring, ada)
    assert (again.email, again.webhook_url, again.webhook_secret_set, again.webhook_secret) == (
        "ada.lindqvist@example.org",
        "https://hooks.example.org/x",
        True,
        None,
    )


def test_webhook_secret_stays_until_rotated_and_goes_with_the_url(session, keyring):
    ada = wallet("ada")
    first = subscribe(session, keyring, ada, webhook="https://hooks.example.org/a").webhook_secret
    moved = subscribe(session, keyring, ada, webhook="https://hooks.example.org/b")
    assert moved.webhook_secret is None and moved.webhook_secret_set  # same secret, not shown again
    settings = NotificationSettings(env="test")
    rotated = service.update_preferences(
        session, keyring, settings, ada, PreferencesIn.model_validate({"rotate_webhook_secret": True})
    ).webhook_secret
    assert rotated and rotated != first
    removed = service.update_preferences(
        session, keyring, settings, ada, PreferencesIn.model_validate({"webhook_url": None})
    )
    assert (removed.webhook_url, removed.webhook_secret_set) == (None, False)


@pytest.mark.parametrize(
    ("url", "production", "reason"),
    [
        ("ftp://hooks.example.org/x", False, "http or https"),
        ("https://user:pw@hooks.example.org/x", False, "credentials"),
        ("http://hooks.example.org/x", True, "https only"),
        ("https://10.0.0.7/x", True, "private"),
        ("https://localhost/x", True, "private"),
    ],
)
def test_webhook_urls_that_cannot_be_used_are_refused(session, keyring, url, production, reason):
    settings = NotificationSettings(env="production" if production else "test")
    with pytest.raises(Exception) as refused:
        service.update_preferences(
            session, keyring, settings, wallet("ada"), PreferencesIn.model_validate({"webhook_url": url})
        )
    problem = refused.value
    assert getattr(problem, "type", None) == "invalid-contact-point" and reason in problem.detail
    assert session.get(NotificationContact, wallet("ada")) is None
