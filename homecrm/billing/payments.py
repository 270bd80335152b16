"""Payments received against rent documents.

Recording or deleting a payment re-derives the document's status, hence its title
(avis d'échéance → reçu → quittance), in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, field_validator
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.billing.documents import get_document, refresh_payment_status
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.render.formatting import Formats
from homecrm.security.principal import Principal, require
from homecrm.store.models import Payment

PAYMENT_MODE_LABELS: dict[str, str] = {
    "transfer": N_("Bank transfer"),
    "cheque": N_("Cheque"),
    "cash": N_("Cash"),
    "card": N_("Card"),
    "direct_debit": N_("Direct debit"),
}
_MODE_ALIASES = {
    "virement": "transfer",
    "cheque": "cheque",
    "chèque": "cheque",
    "especes": "cash",
    "espèces": "cash",
    "carte": "card",
    "cb": "card",
    "prelevement": "direct_debit",
    "prélèvement": "direct_debit",
    **{code: code for code in PAYMENT_MODE_LABELS},
}


def payment_mode(text: str) -> str:
    """Canonical mode code from a code or its French name (virement, chèque, espèces…)."""
    code = _MODE_ALIASES.get((text or "").strip().lower())
    if code is None:
        raise ValueError(
            _("Unknown payment mode \"{mode}\": use virement, chèque, espèces, carte or prélèvement.").format(mode=text)
        )
    return code


class PaymentInput(InputModel):
    amount: MoneyInput = Field(..., gt=0)
    paid_on: date
    mode: str = "transfer"
    reference: str = Field("", max_length=100)
    notes: str = ""

    @field_validator("mode")
    @classmethod
    def _mode(cls, v: str) -> str:
        return payment_mode(v)


def record_payment(
    session: Session, *, actor: Principal, document_id: int, data: dict[str, Any] | PaymentInput
) -> Payment:
    """Record money received for a document; over the balance is refused."""
    require(session, actor, "payments", "create")
    doc = get_document(session, document_id, actor=actor)
    parsed = parse_input(PaymentInput, data)
    if doc.state == "draft":
        raise ConflictError(_("Issue the document before recording a payment."))
    if doc.state == "cancelled":
        raise ConflictError(_("Document {number} is cancelled.").format(number=doc.number))
    if parsed.paid_on > clock.today():
        raise ValidationError(_("The payment date is in the future."), field="paid_on")
    if parsed.amount > doc.balance:
        fmt = Formats()
        raise ValidationError(
            _("{amount} is more than the balance due on {number} ({balance}).").format(
                amount=fmt.money(parsed.amount, doc.currency),
                number=doc.number,
                balance=fmt.money(doc.balance, doc.currency),
            ),
            field="amount",
        )
    payment = Payment(
        document=doc,
        amount=parsed.amount,
        paid_on=parsed.paid_on,
        mode=parsed.mode,
        reference=parsed.reference,
        notes=parsed.notes,
        created_by_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    session.refresh(doc, ["payments"])
    refresh_payment_status(doc)
    session.flush()
    return payment


def delete_payment(session: Session, *, actor: Principal, payment_id: int) -> None:
    require(session, actor, "payments", "delete")
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFoundError(_("Payment #{id} does not exist.").format(id=payment_id))
    doc = get_document(session, payment.document_id, actor=actor)
    session.delete(payment)
    session.flush()
    session.refresh(doc, ["payments"])
    refresh_payment_status(doc)
    session.flush()
