"""Properties, their units and the leases that rent a unit to a customer."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecrm.store.base import Base
from homecrm.store.models.customers import Customer
from homecrm.store.types import Money, ScaledDecimal, UTCDateTime, utcnow

if TYPE_CHECKING:
    from homecrm.store.models.billing import Tax


class Property(Base):
    __tablename__ = "property"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    zip_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list[Unit]] = relationship(
        back_populates="property", cascade="all, delete-orphan", order_by="Unit.name"
    )


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("property_id", "name"),
        CheckConstraint(
            "kind IN ('apartment', 'house', 'commercial', 'office', 'parking', 'other')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("property.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="apartment")
    surface: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2), nullable=True)
    floor: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    property: Mapped[Property] = relationship(back_populates="units")
    leases: Mapped[list[Lease]] = relationship(back_populates="unit")

    @builtins.property
    def label(self) -> str:
        return f"{self.property.name} – {self.name}"


class Lease(Base):
    __tablename__ = "lease"
    __table_args__ = (
        CheckConstraint("regime IN ('residential', 'commercial')", name="regime"),
        CheckConstraint("due_day BETWEEN 1 AND 31", name="due_day"),
        CheckConstraint("rent >= 0 AND charges >= 0 AND deposit >= 0", name="amounts"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    rent: Mapped[Decimal] = mapped_column(Money)
    charges: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    deposit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    due_day: Mapped[int] = mapped_column(default=1)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    regime: Mapped[str] = mapped_column(String(12), default="residential")
    vat_option: Mapped[bool] = mapped_column(Boolean, default=False)
    furnished: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_id: Mapped[int | None] = mapped_column(ForeignKey("tax.id"), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship()
    unit: Mapped[Unit] = relationship(back_populates="leases")
    tax: Mapped[Tax | None] = relationship()

    def is_active_between(self, first: date, last: date) -> bool:
        """True when the lease runs on at least one day of [first, last]."""
        return self.start_date <= last and (self.end_date is None or self.end_date >= first)
