"""Outgoing e-mail through the outbox: queued in the transaction, delivered by Celery."""

from __future__ import annotations

from sqlalchemy import select

from gms.extensions import db
from gms.models import OutboxMessage


def send(*, key: str, recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message once per ``key``; delivery is scheduled after the commit.

    Calling it again with the same key returns the existing message, so retries never
    send twice.
    """
    msg = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if msg is not None:
        return msg
    msg = OutboxMessage(key=key, recipient=recipient, subject=subject, body=body)
    db.session.add(msg)
    db.session.flush()
    pending = db.session.info.setdefault("gms.outbox", [])
    pending.append(msg.id)
    return msg
