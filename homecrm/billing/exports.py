"""Rent document PDFs for download: one document, or a month's documents as a ZIP."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm.billing.documents import documents_for_render, get_document, own_documents
from homecrm.billing.periods import Month
from homecrm.errors import NotFoundError
from homecrm.i18n import _
from homecrm.render.batch import zip_pdfs
from homecrm.render.context import DocumentContext
from homecrm.render.rent_document import pdf_filename, render_rent_document_pdf, rent_document_html
from homecrm.security.principal import Principal, require
from homecrm.store.models import RentDocument


def _link_url(session: Session, doc, ctx: DocumentContext, *, create: bool = False) -> str | None:
    """The document's Stripe link for what it owes now; with ``create`` (a write transaction: sending,
    the command line), created first when card payment is on and the document has none."""
    if not ctx.stripe.enabled:
        return None
    from homecrm.payments.stripe_gateway import create_link_if_missing, current_link, plan_for

    link = create_link_if_missing(session, doc) if create else current_link(session, doc, plan_for(doc, ctx.stripe))
    return link.url if link else None


def ensure_links_for_printing(session: Session, *, actor: Principal, document_ids: list[int]) -> int:
    """With card payment on, give the documents about to be printed their payment link (best effort,
    in a write transaction before the read-only rendering); returns how many have one."""
    from homecrm.payments.stripe_gateway import create_link_if_missing
    from homecrm.settings import load_section
    from homecrm.settings.sections import StripeSettings

    require(session, actor, "documents", "view_own")
    if not load_section(session, StripeSettings).enabled:
        return 0
    count = 0
    for document_id in document_ids:
        if create_link_if_missing(session, get_document(session, document_id, actor=actor)) is not None:
            count += 1
    return count


def document_pdf(session: Session, *, actor: Principal, document_id: int) -> tuple[str, bytes]:
    doc = documents_for_render(session, [get_document(session, document_id, actor=actor).id])[0]
    ctx = DocumentContext.load(session)
    return pdf_filename(doc), render_rent_document_pdf(doc, ctx, link_url=_link_url(session, doc, ctx))


def month_document_ids(session: Session, month: Month, *, actor: Principal) -> list[int]:
    require(session, actor, "documents", "view_own")
    stmt = (
        select(RentDocument.id)
        .where(
            RentDocument.period_start >= month.first,
            RentDocument.period_start <= month.last,
            RentDocument.state != "draft",
        )
        .order_by(RentDocument.number, RentDocument.id)
    )
    if actor.visibility("documents") == "own":
        stmt = stmt.where(own_documents(actor))
    return list(session.scalars(stmt))


def month_zip(
    session: Session,
    *,
    actor: Principal,
    month: Month,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> bytes:
    """All issued documents of ``month`` as one ZIP of PDFs; refused when there are none."""
    ids = month_document_ids(session, month, actor=actor)
    if not ids:
        raise NotFoundError(_("No issued document for {month}.").format(month=str(month)))
    ctx = DocumentContext.load(session)

    def items():
        # Build HTML in chunks so the ORM objects of the whole month are never all in memory.
        for start in range(0, len(ids), 200):
            for doc in documents_for_render(session, ids[start : start + 200]):
                yield pdf_filename(doc), rent_document_html(doc, ctx, link_url=_link_url(session, doc, ctx))
            session.expunge_all()

    return zip_pdfs(items(), count=len(ids), progress=progress, workers=workers)


def credit_note_pdf(session: Session, *, actor: Principal, credit_note_id: int) -> tuple[str, bytes]:
    from homecrm.billing.credit_notes import get_credit_note
    from homecrm.render.credit_note import credit_note_filename
    from homecrm.render.credit_note import credit_note_pdf as render

    note = get_credit_note(session, credit_note_id, actor=actor)
    return credit_note_filename(note), render(note, DocumentContext.load(session))


def statement_filename(customer_id: int, first, last) -> str:
    return f"releve-{customer_id}-{first:%Y%m%d}-{last:%Y%m%d}.pdf"


def statement_pdf(session: Session, *, actor: Principal, customer_id: int, first, last,
                  currency: str | None = None) -> tuple[str, bytes]:
    from homecrm.billing.statements import tenant_statement
    from homecrm.crm.customers import get_customer
    from homecrm.render.statement import statement_pdf as render

    statement = tenant_statement(session, actor=actor, customer_id=customer_id, first=first, last=last,
                                 currency=currency)
    customer = get_customer(session, customer_id, actor=actor)
    return statement_filename(customer_id, first, last), render(statement, customer, DocumentContext.load(session))
