"""Notifications: in-app notifications and the e-mail outbox with its senders."""
