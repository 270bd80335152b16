"""Taxes, number counters, rent documents with their lines, and payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecrm.store.base import Base
from homecrm.store.models.customers import Customer
from homecrm.store.models.leasing import Lease
from homecrm.store.types import Money, ScaledDecimal, UTCDateTime, utcnow

DOCUMENT_STATES = ("draft", "issued", "cancelled")
PAYMENT_STATUSES = ("unpaid", "partial", "paid")
PAYMENT_MODES = ("transfer", "cheque", "cash", "card", "direct_debit", "credit")
LINE_KINDS = ("rent", "charges", "fee", "other")


class Tax(Base):
    __tablename__ = "tax"
    __table_args__ = (UniqueConstraint("name", "rate"), CheckConstraint("rate >= 0", name="rate"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4))  # percent, e.g. 20.0000
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NumberCounter(Base):
    """Next integer of a numbering series for one period ('' when the series never restarts)."""

    __tablename__ = "number_counter"
    __table_args__ = (
        UniqueConstraint("series", "period"),
        CheckConstraint("next_value >= 1", name="next_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10), default="")
    next_value: Mapped[int] = mapped_column(default=1)


class RentDocument(Base):
    """The month's rent document of a lease.

    Its legal title (avis d'échéance, reçu, quittance) is derived from ``payment_status``,
    which ``homecrm.billing.documents`` re-derives whenever a payment changes.
    """

    __tablename__ = "rent_document"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'issued', 'cancelled')", name="state"),
        CheckConstraint("payment_status IN ('unpaid', 'partial', 'paid')", name="payment_status"),
        CheckConstraint("state = 'draft' OR number IS NOT NULL", name="issued_has_number"),
        CheckConstraint("period_end >= period_start", name="period"),
        UniqueConstraint("series", "counter_period", "counter_value"),
        # One live document per lease and month; a cancelled one may be replaced.
        Index(
            "uq_rent_document_lease_period_live",
            "lease_id",
            "period_start",
            unique=True,
            sqlite_where=text("state != 'cancelled'"),
            postgresql_where=text("state != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("lease.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    state: Mapped[str] = mapped_column(String(10), default="draft")
    number: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)
    series: Mapped[str | None] = mapped_column(String(40), nullable=True)
    counter_period: Mapped[str | None] = mapped_column(String(10), nullable=True)
    counter_value: Mapped[int | None] = mapped_column(nullable=True)
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Order of issue across rent documents and credit notes (a counter, not a clock).
    issue_seq: Mapped[int | None] = mapped_column(nullable=True, index=True)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    amount_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Credit notes: everything credited, and the part of it that returned money already paid.
    amount_credited: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    amount_returned: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    payment_status: Mapped[str] = mapped_column(String(10), default="unpaid")
    notes: Mapped[str] = mapped_column(Text, default="")
    sale_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lease: Mapped[Lease] = relationship()
    customer: Mapped[Customer] = relationship()
    lines: Mapped[list[RentDocumentLine]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="RentDocumentLine.position"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="document", order_by="(Payment.paid_on, Payment.id)"
    )
    # Read-only: credit notes are created through homecrm.billing.credit_notes.
    credit_notes: Mapped[list[CreditNote]] = relationship(viewonly=True, order_by="CreditNote.id")

    @property
    def amount_due(self) -> Decimal:
        """What the tenant owes for this document after credit notes."""
        return (self.total or Decimal("0")) - (self.amount_credited or Decimal("0"))

    @property
    def net_paid(self) -> Decimal:
        return (self.amount_paid or Decimal("0")) - (self.amount_returned or Decimal("0"))

    @property
    def balance(self) -> Decimal:
        return self.amount_due - self.net_paid


class RentDocumentLine(Base):
    __tablename__ = "rent_document_line"
    __table_args__ = (
        CheckConstraint("kind IN ('rent', 'charges', 'fee', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("rent_document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("1"))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    tax_name: Mapped[str] = mapped_column(String(50), default="")
    tax_rate: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4), nullable=True)
    net: Mapped[Decimal] = mapped_column(Money)
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money)

    document: Mapped[RentDocument] = relationship(back_populates="lines")


class Payment(Base):
    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint(
            "mode IN ('transfer', 'cheque', 'cash', 'card', 'direct_debit', 'credit')", name="mode"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("rent_document.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    mode: Mapped[str] = mapped_column(String(15))
    reference: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Online payments: the provider and its payment id (unique: a payment is recorded once).
    provider: Mapped[str] = mapped_column(String(20), default="")
    # Payments made of one sum received (spread over several documents) share a receipt key.
    receipt_key: Mapped[str] = mapped_column(String(36), default="", index=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    # A payment of mode "credit" uses the tenant's credit; a payment that paid too much created one.
    credit_id: Mapped[int | None] = mapped_column(ForeignKey("customer_credit.id"), nullable=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[RentDocument] = relationship(back_populates="payments")
    credit: Mapped[CustomerCredit | None] = relationship(foreign_keys=[credit_id])


class CustomerCredit(Base):
    """Money in the tenant's favour (over-payment, cancelled paid document), used by later documents."""

    __tablename__ = "customer_credit"
    __table_args__ = (CheckConstraint("amount > 0 AND remaining >= 0 AND remaining <= amount", name="amounts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    amount: Mapped[Decimal] = mapped_column(Money)
    remaining: Mapped[Decimal] = mapped_column(Money)
    received_on: Mapped[date] = mapped_column(Date)
    origin_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id", ondelete="SET NULL"), nullable=True)
    origin_credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_note.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    # Money received with nothing left to pay: how it came (shown on the tenant's statement).
    mode: Mapped[str] = mapped_column(String(15), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()


class CreditNote(Base):
    """A note de crédit (avoir) against one rent document; positive amounts.

    ``amount`` = ``applied`` (reduces what is owed) + ``refunded`` (money paid back) +
    ``to_credit`` (money already paid, kept in the tenant's favour).
    """

    __tablename__ = "credit_note"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'issued')", name="state"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("applied >= 0 AND refunded >= 0 AND to_credit >= 0", name="parts"),
        CheckConstraint("amount = applied + refunded + to_credit", name="sum"),
        CheckConstraint("state = 'draft' OR number IS NOT NULL", name="issued_has_number"),
        UniqueConstraint("series", "counter_period", "counter_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)
    series: Mapped[str | None] = mapped_column(String(40), nullable=True)
    counter_period: Mapped[str | None] = mapped_column(String(10), nullable=True)
    counter_value: Mapped[int | None] = mapped_column(nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    document_id: Mapped[int] = mapped_column(ForeignKey("rent_document.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    amount: Mapped[Decimal] = mapped_column(Money)
    applied: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    refunded: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    to_credit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    refund_mode: Mapped[str] = mapped_column(String(15), default="")
    refund_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    cancels_document: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(300), default="")
    client_note: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issue_seq: Mapped[int | None] = mapped_column(nullable=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[RentDocument] = relationship()
    customer: Mapped[Customer] = relationship()


class StripeEvent(Base):
    """Every Stripe event handled once (webhook deliveries and sync runs share it)."""

    __tablename__ = "stripe_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    payment_intent: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(40), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StripePaymentLink(Base):
    """A Stripe Payment Link printed on a document (long-lived; replaced when the amount changes)."""

    __tablename__ = "stripe_payment_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("rent_document.id"), index=True)
    link_id: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    amount_minor: Mapped[int]
    fee_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
