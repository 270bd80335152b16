"""Candidates (prospective tenants) with editable statuses and sources, and tags on any record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from homecrm.store.base import Base
from homecrm.store.models.customers import Customer
from homecrm.store.types import Money, UTCDateTime, utcnow


class CandidateStatus(Base):
    """A column of the board. ``kind``: open, won (converted) or lost."""

    __tablename__ = "candidate_status"
    __table_args__ = (CheckConstraint("kind IN ('open', 'won', 'lost')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#1f4e79")
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10), default="open")


class CandidateSource(Base):
    __tablename__ = "candidate_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class Candidate(Base):
    __tablename__ = "candidate"
    __table_args__ = (Index("ix_candidate_status_created", "status_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_source.id", ondelete="SET NULL"), nullable=True, index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("candidate_status.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True)
    property_id: Mapped[int | None] = mapped_column(ForeignKey("property.id", ondelete="SET NULL"), nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), nullable=True)
    budget: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    move_in: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    last_contact: Mapped[date | None] = mapped_column(Date, nullable=True)
    lost_reason: Mapped[str] = mapped_column(String(200), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), nullable=True, unique=True)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    status: Mapped[CandidateStatus] = relationship()
    source: Mapped[CandidateSource | None] = relationship()
    # Both ways: candidate.customer and customer.candidate (the tenant it became).
    customer: Mapped[Customer | None] = relationship(backref=backref("candidate", uselist=False))

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email or f"#{self.id}"


class CandidateStatusChange(Base):
    """When a candidate entered a status: the funnel counts who reached each stage."""

    __tablename__ = "candidate_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("candidate_status.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#5b6b7b")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Tagging(Base):
    """A tag on one record: ``entity`` names the kind (candidate, tenant, document, task, ticket)."""

    __tablename__ = "tagging"
    __table_args__ = (
        UniqueConstraint("tag_id", "entity", "entity_id"),
        Index("ix_tagging_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]

    tag: Mapped[Tag] = relationship()
