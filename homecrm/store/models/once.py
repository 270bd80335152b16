"""Keys of things that must happen at most once (a form submitted twice, a Stripe payment seen
by both the webhook and the polling): the unique constraint is the guarantee."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from homecrm.store.base import Base
from homecrm.store.types import UTCDateTime, utcnow


class IdempotencyKey(Base):
    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(150), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
