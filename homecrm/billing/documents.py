"""Rent documents: the month's document of each lease, from draft to issued.

A document's legal title follows what was paid (loi 89-462 art. 21): nothing paid → avis
d'échéance; part paid → reçu (never called a quittance); all paid → quittance de loyer.
Rent and charges are separate lines; a lease that starts or ends within the month is charged
pro rata of its days. Residential documents carry no VAT and never a fee or penalty line (art. 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from homecrm import clock
from homecrm.billing import numbering
from homecrm.billing.money import ZERO, quantize
from homecrm.billing.periods import Month
from homecrm.billing.tax import document_totals, line_amounts
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.leasing.leases import active_leases, get_lease
from homecrm.security.principal import Principal, require, require_visible
from homecrm.settings import load_section
from homecrm.settings.sections import FinanceSettings, ReceiptSettings
from homecrm.settings.sections.receipts import RECEIPT_SERIES
from homecrm.store.models import Lease, RentDocument, RentDocumentLine, Tax, Unit
from homecrm.settings.local_time import local_today

TITLES: dict[str, str] = {
    "unpaid": N_("Rent due notice"),
    "partial": N_("Receipt"),
    "paid": N_("Rent receipt"),
}
STATUS_LABELS: dict[str, str] = {
    "draft": N_("Draft"),
    "unpaid": N_("Unpaid"),
    "partial": N_("Partly paid"),
    "paid": N_("Paid"),
    "cancelled": N_("Cancelled"),
    "overdue": N_("Overdue"),
}
LINE_LABELS: dict[str, str] = {
    "rent": N_("Rent excluding charges"),
    "charges": N_("Charges provision"),
    "fee": N_("Fee"),
    "other": N_("Other"),
}
# Words that make an "other" line a fee or penalty in disguise on a residential document.
_FEE_WORDS = re.compile(
    r"frais|p[ée]nalit|amende|majoration|int[ée]r[êe]ts? de retard|indemnit[ée]|penalt|fee|fine|late charge",
    re.IGNORECASE,
)


# The same words as whole words, for free text such as reminder templates ("coffee" is no fee).
_FEE_WORDS_IN_TEXT = re.compile(
    r"\b(?:frais|p[ée]nalit\w*|amendes?|majorations?|int[ée]r[êe]ts? de retard|indemnit[ée]s?|penalt\w*|fees?|fines?"
    r"|late charges?)\b",
    re.IGNORECASE,
)


def fee_word(text: str) -> str:
    """The first word of ``text`` that asks for a fee or a penalty ("" when none)."""
    found = _FEE_WORDS_IN_TEXT.search(text or "")
    return found.group(0) if found else ""


def document_status(doc: RentDocument) -> str:
    """draft / cancelled / unpaid / partial / paid."""
    if doc.state in ("draft", "cancelled"):
        return doc.state
    return doc.payment_status


CANCELLED_TITLE = N_("Cancelled document")


def document_title(doc: RentDocument) -> str:
    """Message id of the document's legal title, derived from what was paid.

    A cancelled document owes nothing, yet nothing says its rent was paid: never a quittance.
    """
    if doc.state == "cancelled":
        return CANCELLED_TITLE
    return TITLES[doc.payment_status]


def is_overdue(doc: RentDocument, today: date) -> bool:
    return doc.state == "issued" and doc.payment_status != "paid" and doc.due_date < today


# building ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSpec:
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_name: str = ""
    tax_rate: Decimal | None = None


def lease_tax(session: Session, lease: Lease, finance: FinanceSettings) -> Tax | None:
    """The VAT of a commercial lease with the VAT option; None for everything else."""
    if lease.regime != "commercial" or not lease.vat_option:
        return None
    tax = lease.tax or (session.get(Tax, finance.default_tax) if finance.default_tax else None)
    if tax is None:
        raise ValidationError(
            _(
                "Lease #{id} ({tenant}) has the VAT option but no tax: choose one on the lease or "
                "set a default tax in Settings > Billing."
            ).format(id=lease.id, tenant=lease.customer.display_name),
            field="tax_id",
        )
    return tax


def lease_period(lease: Lease, month: Month) -> tuple[date, date]:
    start = max(month.first, lease.start_date)
    end = min(month.last, lease.end_date or month.last)
    if start > end:
        raise ValidationError(
            _("Lease #{id} does not run in {month}.").format(id=lease.id, month=str(month)), field="month"
        )
    return start, end


def schedule_lines(lease: Lease, month: Month, tax: Tax | None) -> list[LineSpec]:
    """Rent and charges for the lease's days in ``month`` (pro rata when not the whole month)."""
    start, end = lease_period(lease, month)
    days = (end - start).days + 1
    ratio = Decimal(days) / Decimal(month.days)
    tax_name, tax_rate = (tax.name, tax.rate) if tax else ("", None)
    lines = []
    for kind, amount in (("rent", lease.rent), ("charges", lease.charges)):
        if amount == ZERO and kind == "charges":
            continue
        price = amount if days == month.days else quantize(amount * ratio, lease.currency)
        description = _(LINE_LABELS[kind])
        if days != month.days:
            description += " " + _("(pro rata {days}/{total} days)").format(days=days, total=month.days)
        lines.append(LineSpec(kind, description, Decimal("1"), price, tax_name, tax_rate))
    return lines


def _add_lines(doc: RentDocument, specs: list[LineSpec]) -> None:
    position = max((line.position for line in doc.lines), default=0)
    for spec in specs:
        position += 1
        amounts = line_amounts(spec.quantity, spec.unit_price, spec.tax_rate, doc.currency)
        doc.lines.append(
            RentDocumentLine(
                position=position,
                kind=spec.kind,
                description=spec.description,
                quantity=spec.quantity,
                unit_price=spec.unit_price,
                tax_name=spec.tax_name,
                tax_rate=spec.tax_rate,
                net=amounts.net,
                tax=amounts.tax,
                total=amounts.total,
            )
        )
    _recompute_totals(doc)


def _recompute_totals(doc: RentDocument) -> None:
    totals = document_totals(doc.lines, doc.currency)
    doc.subtotal, doc.tax_total, doc.total = totals.subtotal, totals.tax_total, totals.total
    refresh_payment_status(doc)


def refresh_payment_status(doc: RentDocument) -> None:
    """Re-derive what was paid and hence the document's title, from its payments and credit notes."""
    doc.amount_paid = sum((p.amount for p in doc.payments), quantize(ZERO, doc.currency))
    due, paid = doc.amount_due, doc.net_paid
    if paid <= ZERO and due > ZERO:
        doc.payment_status = "unpaid"
    elif paid < due:
        doc.payment_status = "partial"
    else:
        doc.payment_status = "paid"


def _live_document(session: Session, lease_id: int, month: Month) -> RentDocument | None:
    return session.scalar(
        select(RentDocument).where(
            RentDocument.lease_id == lease_id,
            RentDocument.period_start >= month.first,
            RentDocument.period_start <= month.last,
            RentDocument.state != "cancelled",
        )
    )


def issued_months(session: Session, *, lease_id: int, months: list[Month]) -> set[Month]:
    """Those of ``months`` whose document for the lease is already issued (nothing can be added to it)."""
    out = set()
    for month in months:
        live = _live_document(session, lease_id, month)
        if live is not None and live.state != "draft":
            out.add(month)
    return out


def draft_for(session: Session, *, actor: Principal, lease_id: int, month: Month) -> RentDocument:
    """The lease's draft for ``month``, created when there is no document yet; an issued one is refused."""
    require(session, actor, "documents", "create")
    lease = get_lease(session, lease_id, actor=actor)
    live = _live_document(session, lease.id, month)
    if live is None:
        return _create_draft(session, actor, lease, month)
    if live.state != "draft":
        raise ConflictError(_("{number} ({month}) is already issued: choose a later month.").format(
            number=live.number, month=month.label()))
    return live


def create_draft(session: Session, *, actor: Principal, lease_id: int, month: Month) -> RentDocument:
    """A draft (unnumbered) rent document for one lease and month."""
    require(session, actor, "documents", "create")
    return _create_draft(session, actor, get_lease(session, lease_id, actor=actor), month)


def _create_draft(session: Session, actor: Principal, lease: Lease, month: Month) -> RentDocument:
    existing = _live_document(session, lease.id, month)
    if existing is not None:
        raise ConflictError(
            _("{tenant} already has a document for {month} ({number}).").format(
                tenant=lease.customer.display_name, month=month.label(), number=existing.number or _("draft")
            )
        )
    finance = load_section(session, FinanceSettings)
    tax = lease_tax(session, lease, finance)
    start, end = lease_period(lease, month)
    doc = RentDocument(
        lease=lease,
        customer_id=lease.customer_id,
        period_start=start,
        period_end=end,
        due_date=max(month.day(lease.due_day), start),
        currency=lease.currency,
        state="draft",
        created_by_id=actor.user_id,
        # Spec (Facturation): "automatically assign the logged-in staff as sale agent" — a person
        # signed in, never the scheduled-jobs account.
        sale_agent_id=actor.user_id if finance.auto_assign_sale_agent and not actor.is_system else None,
    )
    session.add(doc)
    _add_lines(doc, schedule_lines(lease, month, tax))
    session.flush()
    return doc


def require_landlord(session: Session) -> None:
    """A legal document names its landlord: refuse to issue one before the landlord is known."""
    from homecrm.settings.sections import CompanySettings, GeneralSettings

    company = load_section(session, CompanySettings)
    name = company.name or load_section(session, GeneralSettings).company_name
    if not name or not company.address or not company.city:
        raise ValidationError(
            _("Fill in the landlord's name and address in Settings > Company information before issuing documents."),
            field="landlord",
        )


def issue_document(
    session: Session, *, actor: Principal, document_id: int, on: date | None = None
) -> RentDocument:
    """Give a draft its number (from the counter, atomically) and make it a legal document."""
    require(session, actor, "documents", "create")
    doc = get_document(session, document_id, actor=actor)
    if doc.state != "draft":
        raise ConflictError(_("Document {number} is already issued.").format(number=doc.number))
    if not doc.lines or doc.total <= ZERO:
        raise ValidationError(_("A document must have lines and a positive total to be issued."), field="lines")
    require_landlord(session)
    settings = load_section(session, ReceiptSettings)
    on = on or local_today(session)
    period = numbering.counter_period(settings.number_format, on)
    value = numbering.take_next(session, RECEIPT_SERIES, period)
    number = numbering.format_number(settings.prefix, value, settings.padding, settings.number_format, on)
    if session.scalar(select(func.count()).where(RentDocument.number == number)):
        raise ConflictError(
            _("Number {number} is already used by another document: change the receipt prefix or format.").format(
                number=number
            )
        )
    doc.number = number
    doc.series, doc.counter_period, doc.counter_value = RECEIPT_SERIES, period, value
    doc.state = "issued"
    doc.issued_on = on
    doc.issued_at = clock.now()
    doc.issue_seq = numbering.take_next(session, numbering.ISSUE_SEQUENCE, "")
    session.flush()
    # Money the tenant has in credit (an earlier over-payment) pays their oldest debts, this one included.
    from homecrm.billing.payments import allocate_credit

    allocate_credit(session, actor=actor, customer_id=doc.customer_id, on=on)
    _online_payment_link(session, doc)
    return doc


def amounts_changed(session: Session, doc: RentDocument) -> None:
    """After a payment, credit note or cancellation: a payment link for the old amount is turned
    off at Stripe (and replaced when something is still owed)."""
    from homecrm.payments.stripe_gateway import refresh_payment_links

    refresh_payment_links(session, doc)


def _online_payment_link(session: Session, doc: RentDocument) -> None:
    """With card payment activated, a newly issued document gets its payment link (best effort)."""
    from homecrm.payments.stripe_gateway import create_link_if_missing

    create_link_if_missing(session, doc)


def delete_draft(session: Session, *, actor: Principal, document_id: int) -> None:
    require(session, actor, "documents", "delete")
    doc = get_document(session, document_id, actor=actor)
    if doc.state != "draft":
        raise ConflictError(
            _("Document {number} is issued: it can never be deleted, only cancelled by a credit note.").format(
                number=doc.number
            )
        )
    from homecrm.crm.tags import drop_tags

    drop_tags(session, "document", doc.id)
    session.delete(doc)
    session.flush()


class LineInput(InputModel):
    kind: str = "other"
    description: str
    quantity: MoneyInput = Decimal("1")
    unit_price: MoneyInput


def add_line(session: Session, *, actor: Principal, document_id: int, data: dict) -> RentDocumentLine:
    """Add a line to a draft. Fees and penalties are refused on residential documents (art. 4)."""
    require(session, actor, "documents", "edit")
    doc = get_document(session, document_id, actor=actor)
    if doc.state != "draft":
        raise ConflictError(_("Only a draft can be changed; this document is issued."))
    parsed = parse_input(LineInput, data)
    if parsed.kind not in ("fee", "other"):
        raise ValidationError(_("Only fee or other lines can be added by hand."), field="kind")
    if not parsed.description:
        raise ValidationError(_("A line needs a description."), field="description")
    if parsed.quantity <= 0:
        raise ValidationError(_("The quantity must be positive."), field="quantity")
    residential = doc.lease.regime == "residential"
    if residential and (parsed.kind == "fee" or _FEE_WORDS.search(parsed.description)):
        raise ValidationError(
            _(
                "No fee or penalty can be charged to a residential tenant on a rent document "
                "(loi 89-462, art. 4)."
            ),
            field="kind",
        )
    finance = load_section(session, FinanceSettings)
    tax = lease_tax(session, doc.lease, finance)
    _add_lines(
        doc,
        [
            LineSpec(
                parsed.kind,
                parsed.description,
                parsed.quantity,
                parsed.unit_price,
                tax.name if tax else "",
                tax.rate if tax else None,
            )
        ],
    )
    session.flush()
    return doc.lines[-1]


def remove_line(session: Session, *, actor: Principal, line_id: int) -> None:
    require(session, actor, "documents", "edit")
    line = session.get(RentDocumentLine, line_id)
    if line is None:
        raise NotFoundError(_("Line #{id} does not exist.").format(id=line_id))
    doc = get_document(session, line.document_id, actor=actor)
    if doc.state != "draft":
        raise ConflictError(_("Only a draft can be changed; this document is issued."))
    doc.lines.remove(line)
    _recompute_totals(doc)
    session.flush()


# the month's batch -------------------------------------------------------------------------

MONTHS_AHEAD = 3  # an avis d'échéance may be sent ahead; a document for 9999-12 is a typo


@dataclass(frozen=True)
class GenerationResult:
    created: list[int]
    existing: int
    leases: int


def generate_month(
    session: Session,
    *,
    actor: Principal,
    month: Month,
    on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Issue the month's document for every active lease that has none yet, and the month's drafts
    (idempotent)."""
    require(session, actor, "documents", "create")
    # Only the leases this user may see: a "view own" account issues the documents of its own leases.
    require(session, actor, "leases", "view_own")
    on = on or local_today(session)
    if month.first > Month.of(on).shift(MONTHS_AHEAD).first:
        raise ValidationError(
            _("{month} is too far ahead: documents can be issued at most {n} months in advance.").format(
                month=str(month), n=MONTHS_AHEAD
            ),
            field="month",
        )
    require_landlord(session)
    leases = active_leases(session, month.first, month.last, actor=actor)
    created: list[int] = []
    existing = 0
    for index, lease in enumerate(leases, start=1):
        live = _live_document(session, lease.id, month)
        if live is not None and live.state == "draft":
            # A draft prepared earlier (e.g. with billable time added) is issued with the others.
            issue_document(session, actor=actor, document_id=live.id, on=on)
            created.append(live.id)
        elif live is not None:
            existing += 1
        else:
            try:
                doc = _create_draft(session, actor, lease, month)
            except ValidationError as exc:
                raise ValidationError(
                    _("Lease #{id} ({tenant}): {error}").format(
                        id=lease.id, tenant=lease.customer.display_name, error=exc
                    ),
                    field=f"lease:{lease.id}",
                ) from exc
            issue_document(session, actor=actor, document_id=doc.id, on=on)
            created.append(doc.id)
        if progress is not None:
            progress(index, len(leases))
    return GenerationResult(created=created, existing=existing, leases=len(leases))


# reading -----------------------------------------------------------------------------------


def document_owners(doc: RentDocument) -> tuple[int | None, ...]:
    """Who counts as owning a document for a "view own" account: its agent and author, and the
    staff member whose book it belongs to (who made the tenant or the lease) — "own" means the
    same for tenants, leases and their documents."""
    return doc.sale_agent_id, doc.created_by_id, doc.lease.created_by_id, doc.customer.created_by_id


def own_documents(actor: Principal):
    """SQL condition: the documents ``document_owners`` gives to ``actor``."""
    from homecrm.leasing.leases import own_leases

    return or_(RentDocument.sale_agent_id == actor.user_id, RentDocument.created_by_id == actor.user_id,
               RentDocument.lease_id.in_(select(Lease.id).where(own_leases(actor))))


def get_document(session: Session, document_id: int, *, actor: Principal) -> RentDocument:
    require(session, actor, "documents", "view_own")
    doc = session.get(RentDocument, document_id)
    if doc is None:
        raise NotFoundError(_("Document #{id} does not exist.").format(id=document_id))
    require_visible(actor, "documents", *document_owners(doc))
    return doc


def find_by_number(session: Session, number: str, *, actor: Principal) -> RentDocument:
    require(session, actor, "documents", "view_own")
    doc = session.scalar(select(RentDocument).where(RentDocument.number == number.strip()))
    if doc is None:
        raise NotFoundError(_("No document numbered {number}.").format(number=number))
    require_visible(actor, "documents", *document_owners(doc))
    return doc


def assign_sale_agent(session: Session, *, actor: Principal, document_id: int, agent_id: int | None) -> RentDocument:
    """Choose the staff member responsible for a document (or none)."""
    from homecrm.store.models import StaffUser

    require(session, actor, "documents", "edit")
    doc = get_document(session, document_id, actor=actor)
    if agent_id is not None:
        agent = session.get(StaffUser, agent_id)
        if agent is None or not agent.active or agent.is_system:
            raise ValidationError(_("Choose an active staff member."), field="sale_agent_id")
    doc.sale_agent_id = agent_id
    session.flush()
    return doc


@dataclass(frozen=True)
class DocumentRow:
    id: int
    number: str | None
    tenant: str
    customer_id: int
    unit: str
    property_id: int
    period: str
    period_start: date
    period_end: date
    due_date: date
    status: str
    overdue: bool
    currency: str
    total: Decimal
    paid: Decimal
    balance: Decimal
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "tenant": self.tenant,
            "period": self.period,
            "status": self.status,
            "total": str(quantize(self.total, self.currency)),
            "paid": str(quantize(self.paid, self.currency)),
            "balance": str(quantize(self.balance, self.currency)),
            "due_date": self.due_date.isoformat(),
            "overdue": self.overdue,
            "currency": self.currency,
            "unit": self.unit,
        }


def list_documents(
    session: Session,
    *,
    actor: Principal,
    month: Month | None = None,
    status: str | None = None,
    customer_id: int | None = None,
    today: date | None = None,
    tag: str | None = None,
) -> list[DocumentRow]:
    """Documents with their status; ``status`` may also be ``overdue``."""
    from homecrm.crm.tags import ids_with_tag, tags_of

    require(session, actor, "documents", "view_own")
    today = today or local_today(session)
    stmt = (
        select(RentDocument)
        .options(
            joinedload(RentDocument.customer),
            joinedload(RentDocument.lease).joinedload(Lease.unit).joinedload(Unit.property),
        )
        .order_by(RentDocument.period_start.desc(), RentDocument.number, RentDocument.id)
    )
    if month is not None:
        stmt = stmt.where(RentDocument.period_start >= month.first, RentDocument.period_start <= month.last)
    if customer_id is not None:
        stmt = stmt.where(RentDocument.customer_id == customer_id)
    if tag:
        stmt = stmt.where(RentDocument.id.in_(ids_with_tag("document", tag)))
    if actor.visibility("documents") == "own":
        stmt = stmt.where(own_documents(actor))
    rows = []
    for doc in session.scalars(stmt).unique():
        row_status = document_status(doc)
        overdue = is_overdue(doc, today)
        if status == "overdue" and not overdue:
            continue
        if status and status != "overdue" and row_status != status:
            continue
        rows.append(
            DocumentRow(
                id=doc.id,
                number=doc.number,
                tenant=doc.customer.display_name,
                customer_id=doc.customer_id,
                unit=doc.lease.unit.label,
                property_id=doc.lease.unit.property_id,
                period=str(Month.of(doc.period_start)),
                period_start=doc.period_start,
                period_end=doc.period_end,
                due_date=doc.due_date,
                status=row_status,
                overdue=overdue,
                currency=doc.currency,
                total=doc.total,
                paid=doc.net_paid,
                balance=doc.balance,
            )
        )
    if rows:
        tags = tags_of(session, "document", [r.id for r in rows])
        rows = [replace(r, tags=tuple(tags[r.id])) for r in rows]
    return rows


def document_months(session: Session, *, actor: Principal) -> list[Month]:
    """Every month that has at least one document (for choosing a month to look at)."""
    require(session, actor, "documents", "view_own")
    starts = session.scalars(select(RentDocument.period_start).distinct())
    return sorted({Month.of(day) for day in starts}, key=lambda m: (m.year, m.month), reverse=True)


def documents_for_render(session: Session, ids: list[int]) -> list[RentDocument]:
    """Documents with everything a PDF needs, loaded in a few queries."""
    stmt = (
        select(RentDocument)
        .where(RentDocument.id.in_(ids))
        .options(
            selectinload(RentDocument.lines),
            selectinload(RentDocument.payments),
            selectinload(RentDocument.credit_notes),
            joinedload(RentDocument.customer),
            joinedload(RentDocument.lease).joinedload(Lease.unit).joinedload(Unit.property),
        )
    )
    by_id = {doc.id: doc for doc in session.scalars(stmt).unique()}
    return [by_id[i] for i in ids if i in by_id]
