"""The printed tenant statement (relevé de compte)."""

from __future__ import annotations

from homecrm.billing.payments import PAYMENT_MODE_LABELS
from homecrm.billing.statements import Statement
from homecrm.i18n import _, language
from homecrm.render.context import DocumentContext, css_string
from homecrm.render.formatting import Formats
from homecrm.render.html import render_html
from homecrm.render.rent_document import company_lines, tenant_lines
from homecrm.store.models import Customer


def statement_view(statement: Statement, customer: Customer, ctx: DocumentContext, lang: str) -> dict:
    fmt = Formats.from_settings(ctx.finance, ctx.localization, lang)
    cur = statement.currency

    def money(value):
        return fmt.money(value, cur) if value else ""

    def label(e) -> tuple[str, str]:
        mode = _(PAYMENT_MODE_LABELS.get(e.mode, e.mode)).lower() if e.mode else ""
        if e.kind == "document":
            due = _("due on {date}").format(date=fmt.date(e.due_date)) if e.due_date else ""
            return _("Rent due for {month}").format(month=fmt.month(e.period)), due
        if e.kind == "payment":
            detail = _("Settles {allocation}").format(
                allocation=", ".join(f"{n} ({fmt.money(a, cur)})" for n, a in e.allocations)) if e.allocations else ""
            if e.kept_as_credit:
                detail += (" · " if detail else "") + _("{amount} kept as credit").format(amount=fmt.money(e.kept_as_credit, cur))
            return _("Payment received ({mode})").format(mode=mode), detail
        if e.kind == "credit_note":
            return _("Credit note"), _("On {number}").format(number=e.credited_document)
        return _("Refund paid ({mode})").format(mode=mode), ""

    closing = statement.closing
    if closing > 0:
        closing_label, legal = _("Balance due"), [_("Please pay the balance due of {amount}.").format(amount=fmt.money(closing, cur))]
    elif closing < 0:
        closing_label, legal = _("Balance in your favour"), [
            _("Your account is in credit by {amount}: it will pay your next documents.").format(
                amount=fmt.money(-closing, cur))]
    else:
        closing_label, legal = _("Balance"), [_("Your account is settled.")]
    if statement.opening < 0 or any(e.balance < 0 for e in statement.entries):
        legal.append(_("A negative balance is in your favour."))
    return {
        "lang": lang,
        "title": _("Account statement"),
        "number": "",
        "status": "",
        "status_label": "",
        "company_lines": company_lines(ctx),
        "tenant_lines": tenant_lines(ctx, customer),
        "meta": [(_("Period"), _("from {start} to {end}").format(start=fmt.date(statement.first), end=fmt.date(statement.last)))],
        "opening_date": fmt.date(statement.first),
        "opening": fmt.money(statement.opening, cur),
        "entries": [
            {"date": fmt.date(e.on), "label": label(e)[0], "detail": label(e)[1], "reference": e.reference,
             "debit": money(e.debit), "credit": money(e.credit), "balance": fmt.money(e.balance, cur)}
            for e in statement.entries
        ],
        "total_debit": fmt.money(statement.total_debit, cur),
        "total_credit": fmt.money(statement.total_credit, cur),
        "closing_label": closing_label,
        "closing": fmt.money(abs(closing), cur),
        "legal": legal,
        "page_label_css": css_string(_("Page")),
    }


def statement_pdf(statement: Statement, customer: Customer, ctx: DocumentContext) -> bytes:
    from homecrm.render.pdf import renderer

    lang = ctx.language_for(customer.language)
    with language(lang):
        html = render_html("statement.html", page=ctx.page_view(ctx.formats.statement),
                           doc=statement_view(statement, customer, ctx, lang))
    return renderer().render(html)
