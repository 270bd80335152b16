"""Every e-mail and SMS homecrm sends or tries to send, with a unique key per reminder occurrence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from homecrm.store.base import Base
from homecrm.store.types import UTCDateTime, utcnow

MESSAGE_STATUSES = ("sending", "sent", "failed", "skipped")


class MessageLog(Base):
    __tablename__ = "message_log"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms')", name="channel"),
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'skipped')", name="status"),
        Index("ix_message_log_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (trigger, object, occurrence, channel) of an automatic reminder: sent at most once.
    key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), nullable=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("rent_document.id", ondelete="SET NULL"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attachment: Mapped[str] = mapped_column(String(255), default="")
    # A queued e-mail sends the files attached to this record (e.g. "ticket_reply", 12) with it.
    files_entity: Mapped[str | None] = mapped_column(String(20), nullable=True)
    files_entity_id: Mapped[int | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="sending")
    attempts: Mapped[int] = mapped_column(default=0)
    provider_id: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When a reminder run took it (status "sending"): a claim long past means the run died.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
