"""Notifications: email over SMTP, signed webhooks and the in-app inbox, by each wallet's preferences.

Every notice goes through the outbox: `service.notify` records it (unique per what it is about and who it
is for) with one delivery per channel (unique per notice and channel) in the caller's transaction, and a
sender (`sender.Sender`, run by `python -m backend.notifications.worker` and by domain workers for the
notices they guard) delivers them exactly once where the channel lets it (README "Notifications").
"""
