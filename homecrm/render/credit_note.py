"""The printed credit note (note de crédit): positive amounts, never "moins …" in words."""

from __future__ import annotations

from homecrm.billing.payments import PAYMENT_MODE_LABELS
from homecrm.billing.words import amount_in_words
from homecrm.i18n import _, language
from homecrm.render.context import DocumentContext, css_string
from homecrm.render.formatting import Formats
from homecrm.render.html import render_html
from homecrm.render.rent_document import company_lines, tenant_lines
from homecrm.store.models import CreditNote


def credit_note_view(note: CreditNote, ctx: DocumentContext, lang: str) -> dict:
    fmt = Formats.from_settings(ctx.finance, ctx.localization, lang)
    doc = note.document
    currency = note.currency
    meta = [
        (_("Date"), fmt.date(note.issued_on) if note.issued_on else _("Draft")),
        (_("Credited document"), _("{number} of {date}").format(number=doc.number, date=fmt.date(doc.issued_on))),
        (_("Period"), _("from {start} to {end}").format(start=fmt.date(doc.period_start), end=fmt.date(doc.period_end))),
    ]
    if ctx.credit_notes.show_property_name:
        meta.insert(2, (_("Property"), f"{doc.lease.unit.property.name} – {doc.lease.unit.name}"))
    if note.reason:
        meta.append((_("Reason"), note.reason))
    lines = []
    if note.applied:
        lines.append({"description": _("Deducted from what remains due on {number}").format(number=doc.number),
                      "amount": fmt.money(note.applied, currency)})
    if note.refunded:
        lines.append({"description": _("Refunded by {mode} on {date}").format(
            mode=_(PAYMENT_MODE_LABELS.get(note.refund_mode, note.refund_mode)).lower(),
            date=fmt.date(note.refund_date)), "amount": fmt.money(note.refunded, currency)})
    if note.to_credit:
        lines.append({"description": _("Kept as credit on the tenant's account for the next documents"),
                      "amount": fmt.money(note.to_credit, currency)})
    words = ""
    if ctx.finance.amount_in_words:
        # Always the positive amount: a credit note says "deux cents euros", never "moins …".
        text = amount_in_words(abs(note.amount), currency, lang, lowercase=ctx.finance.amount_in_words_lowercase)
        words = _("Credited amount: {words}.").format(words=text)
    legal = [_("This credit note cancels all or part of document {number}.").format(number=doc.number)]
    if note.cancels_document:
        legal.append(_("Document {number} is cancelled.").format(number=doc.number))
    signed_on = note.issued_on or note.created_at.date()
    return {
        "lang": lang,
        "title": _("Credit note"),
        "number": note.number or "",
        "status": "draft" if note.state == "draft" else "paid",
        "status_label": _("Draft") if note.state == "draft" else "",
        "company_lines": company_lines(ctx),
        "tenant_lines": tenant_lines(ctx, note.customer),
        "meta": meta,
        "lines": lines,
        "total": fmt.money(note.amount, currency),
        "words": words,
        "legal": legal,
        "client_note": note.client_note,
        "terms": note.terms,
        "landlord": ctx.landlord_name,
        "signed_at": (_("Done at {place}, on {date}").format(place=ctx.company.city, date=fmt.date(signed_on))
                      if ctx.company.city else _("Done on {date}").format(date=fmt.date(signed_on))),
        "signature": ctx.signature_view(ctx.signature.on_credit_notes and note.state == "issued"),
        "page_label_css": css_string(_("Page")),
    }


def credit_note_pdf(note: CreditNote, ctx: DocumentContext) -> bytes:
    from homecrm.render.pdf import renderer

    lang = ctx.language_for(note.customer.language)
    with language(lang):
        html = render_html("credit_note.html", page=ctx.page_view(ctx.formats.credit_note),
                           doc=credit_note_view(note, ctx, lang))
    return renderer().render(html)


def credit_note_filename(note: CreditNote) -> str:
    return f"note-de-credit-{(note.number or f'brouillon-{note.id}').replace('/', '-')}.pdf"
