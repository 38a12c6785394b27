"""Outgoing e-mail through the outbox: queued in the transaction, delivered by Celery."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from kombu.exceptions import OperationalError
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


def queue_delivery(message_ids: list[int]) -> None:
    """Hand committed messages to Celery. A broker that is down loses nothing: the messages
    stay in the outbox and the ``gms.flush_outbox`` job queues them again."""
    deliver = current_app.extensions["celery"].tasks["gms.deliver_message"]
    for message_id in message_ids:
        try:
            deliver.delay(message_id)
        except OperationalError:  # the broker is unreachable; the row is safe
            logging.getLogger(__name__).warning(
                "could not queue outbox message %s; gms.flush_outbox will", message_id,
                exc_info=True)


def requeue_unsent(created_before: datetime) -> int:
    """Queue delivery of every unsent message created before ``created_before``."""
    ids = list(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.created_at < created_before)
        .order_by(OutboxMessage.id)))
    db.session.rollback()
    queue_delivery(ids)
    return len(ids)
