"""Rent document PDFs for download: one document, or a month's documents as a ZIP."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm.billing.documents import documents_for_render, get_document
from homecrm.billing.periods import Month
from homecrm.errors import NotFoundError
from homecrm.i18n import _
from homecrm.render.batch import zip_pdfs
from homecrm.render.context import DocumentContext
from homecrm.render.rent_document import pdf_filename, render_rent_document_pdf, rent_document_html
from homecrm.security.principal import Principal, require
from homecrm.store.models import RentDocument


def document_pdf(session: Session, *, actor: Principal, document_id: int) -> tuple[str, bytes]:
    doc = documents_for_render(session, [get_document(session, document_id, actor=actor).id])[0]
    return pdf_filename(doc), render_rent_document_pdf(doc, DocumentContext.load(session))


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
        stmt = stmt.where(
            (RentDocument.sale_agent_id == actor.user_id) | (RentDocument.created_by_id == actor.user_id)
        )
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
                yield pdf_filename(doc), rent_document_html(doc, ctx)
            session.expunge_all()

    return zip_pdfs(items(), count=len(ids), progress=progress, workers=workers)
