"""The printed rent document: quittance, reçu or avis d'échéance, built from the database.

``rent_document_view`` turns an ORM document into plain strings (in the document's language);
``render_rent_document_pdf`` prints it. The legal title and wording come from
``homecrm.billing.documents`` (what was paid decides), never from the template.
"""

from __future__ import annotations

from babel import Locale

from homecrm.billing.documents import LINE_LABELS, STATUS_LABELS, document_status, document_title, is_overdue
from homecrm.billing.payments import PAYMENT_MODE_LABELS
from homecrm.billing.money import ZERO
from homecrm.billing.periods import Month
from homecrm.billing.words import amount_in_words
from homecrm import clock
from homecrm.i18n import _, language, ngettext
from homecrm.render.context import DocumentContext, css_string
from homecrm.render.formatting import Formats, display_phone
from homecrm.render.html import render_html
from homecrm.render.placeholders import render_lines
from homecrm.store.models import Customer, RentDocument


def company_lines(ctx: DocumentContext) -> list[str]:
    company = ctx.company
    values = {
        "company_name": ctx.landlord_name,
        "address": company.address,
        "zip_code": company.zip_code,
        "city": company.city,
        "state": company.state,
        "country": Locale.parse(ctx.localization.default_language).territories.get(company.country, company.country),
        "country_code": company.country,
        "phone": display_phone(company.phone, company.country),
        "vat_number": company.vat_number,
        "siren": company.siren,
    }
    return _without_empty_labels(render_lines(company.info_format, values), values)


def tenant_lines(ctx: DocumentContext, customer: Customer) -> list[str]:
    values = {
        "client_name": customer.display_name,
        "company_name": customer.company_name or customer.display_name,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "address": customer.address,
        "zip_code": customer.zip_code,
        "city": customer.city,
        "country": "" if customer.country == ctx.company.country else customer.country,
        "vat_number": customer.vat_number,
        "siren": customer.siren,
        "email": customer.email,
        "phone": display_phone(customer.phone, ctx.company.country),
    }
    return _without_empty_labels(render_lines(ctx.clients.info_format, values), values)


def _without_empty_labels(lines: list[str], values: dict) -> list[str]:
    """Drop lines such as "TVA : " whose only placeholder had no value."""
    kept = []
    for line in lines:
        stripped = line.rstrip()
        if stripped.endswith(":") or stripped.endswith(": "):
            continue
        kept.append(line)
    return kept


def _premises(doc: RentDocument) -> str:
    unit = doc.lease.unit
    prop = unit.property
    address = ", ".join(p for p in (prop.address, f"{prop.zip_code} {prop.city}".strip()) if p)
    return f"{prop.name} – {unit.name}" + (f", {address}" if address else "")


def _payment_options(doc: RentDocument, ctx: DocumentContext, fmt: Formats, link_url: str | None) -> list[dict]:
    """How the tenant can pay what is still owed: the Stripe link and/or bank transfer details."""
    if doc.state != "issued" or doc.balance <= 0:
        return []
    options = []
    if link_url and ctx.pdf.show_payment_link and ctx.stripe.enabled:
        from homecrm.payments.stripe_gateway import plan_for

        plan = plan_for(doc, ctx.stripe)
        lines = [_("Pay online: {url}").format(url=link_url)]
        if plan.available and plan.fee:
            lines.append(_("Card payment fee: {fee}").format(fee=fmt.money(plan.fee, doc.currency)))
        options.append({"label": ctx.stripe.label, "url": link_url, "lines": lines})
    if ctx.bank.enabled and ctx.bank.iban:
        lines = [f"IBAN : {ctx.bank.iban}"]
        if ctx.bank.bic:
            lines.append(f"BIC : {ctx.bank.bic}")
        if ctx.bank.account_holder:
            lines.append(_("Account holder: {name}").format(name=ctx.bank.account_holder))
        lines.append(_("Reference: {number}").format(number=doc.number))
        options.append({"label": ctx.bank.label, "url": None, "lines": lines})
    if not ctx.stripe.default_selected:
        options.reverse()
    return options


def rent_document_view(doc: RentDocument, ctx: DocumentContext, lang: str, *, link_url: str | None = None) -> dict:
    """Plain strings for the template, in ``lang`` (call inside ``language(lang)``)."""
    fmt = Formats.from_settings(ctx.finance, ctx.localization, lang)
    finance = ctx.finance
    currency = doc.currency
    status = document_status(doc)
    if status == "unpaid" and is_overdue(doc, clock.today(ctx.localization.timezone)):
        status_label = _(STATUS_LABELS["overdue"])
        status_class = "overdue"
    else:
        status_label = _(STATUS_LABELS[status])
        status_class = status
    has_tax = any(line.tax_rate is not None for line in doc.lines)
    show_tax_column = has_tax and finance.show_tax_per_line

    def line_money(amount):
        return fmt.money(amount, currency, symbol=not finance.exclude_currency_symbol_from_lines)

    def tax_label(name: str, rate) -> str:
        percent = fmt.percent(rate)
        return percent if finance.remove_tax_name_from_line or not name else f"{name} {percent}"

    month = Month.of(doc.period_start)
    full_month = doc.period_start == month.first and doc.period_end == month.last
    lines = []
    for line in doc.lines:
        description = line.description
        if line.kind in ("rent", "charges"):
            description = _(LINE_LABELS[line.kind]) + " – " + fmt.month(doc.period_start)
            if not full_month:
                days = (doc.period_end - doc.period_start).days + 1
                description += " " + _("(pro rata {days}/{total} days)").format(days=days, total=month.days)
        lines.append(
            {
                "description": description,
                "tax": tax_label(line.tax_name, line.tax_rate) if line.tax_rate is not None else "",
                "amount": line_money(line.net),
            }
        )
    tax_summary = []
    if has_tax:
        groups: dict[tuple[str, object], object] = {}
        for line in doc.lines:
            if line.tax_rate is not None:
                key = (line.tax_name, line.tax_rate)
                groups[key] = groups.get(key, 0) + line.tax
        tax_summary = [
            {"label": f"{name} {fmt.percent(rate)}".strip(), "tax": fmt.money(tax, currency)}
            for (name, rate), tax in sorted(groups.items(), key=lambda kv: kv[0][1])
        ]

    def words(amount) -> str:
        if not finance.amount_in_words:
            return ""
        text = amount_in_words(amount, currency, lang, lowercase=finance.amount_in_words_lowercase)
        return f" ({text})"

    landlord = ctx.landlord_name
    tenant = doc.customer.display_name
    start, end, due = fmt.date(doc.period_start), fmt.date(doc.period_end), fmt.date(doc.due_date)
    received = [p for p in doc.payments]
    distinct_dates = list(dict.fromkeys(fmt.date(p.paid_on) for p in received))
    dates = ", ".join(distinct_dates)
    paid_status = doc.payment_status
    # Money received then given back (refund) or moved to the tenant's credit by a credit note:
    # a reçu acknowledges the sums actually received, and says what became of them.
    notes = [n for n in doc.credit_notes if n.state == "issued"]
    returned = [(n, n.refunded, n.to_credit) for n in notes if n.refunded or n.to_credit]
    refunded = sum((n.refunded for n in notes), ZERO)
    to_credit = sum((n.to_credit for n in notes), ZERO)
    gross = doc.amount_paid or ZERO

    def returned_sentence() -> str:
        parts = []
        if refunded:
            parts.append(_("{amount} was refunded").format(amount=fmt.money(refunded, currency)))
        if to_credit:
            parts.append(_("{amount} was kept as the tenant's credit").format(amount=fmt.money(to_credit, currency)))
        return _("Of the sums received, {parts}.").format(parts=_(" and ").join(parts)) if parts else ""
    commercial = doc.lease.regime == "commercial"
    if doc.state == "cancelled":
        legal = [_("This document was cancelled by a credit note; nothing remains due.")]
    elif paid_status == "paid":
        legal = [
            (_(
                "I, the undersigned {landlord}, landlord of the commercial premises described above, acknowledge "
                "receipt from {tenant} of the sum of {amount}{words} for the rent and charges of the "
                "period from {start} to {end}, and give a receipt for it, without prejudice to all my rights."
            ) if commercial else _(
                "I, the undersigned {landlord}, landlord of the premises described above, acknowledge "
                "receipt from {tenant} of the sum of {amount}{words} for the rent and charges of the "
                "period from {start} to {end}, and give a receipt for it, without prejudice to all my rights."
            )).format(
                landlord=landlord, tenant=tenant, amount=fmt.money(doc.net_paid, currency),
                words=words(doc.net_paid), start=start, end=end,
            ),
            ngettext("Payment received on {dates}.", "Payments received on {dates}.", len(distinct_dates)).format(dates=dates),
        ]
        if returned:
            legal.insert(1, returned_sentence())
    elif paid_status == "partial":
        legal = [
            (_(
                "I, the undersigned {landlord}, landlord of the commercial premises described above, acknowledge "
                "receipt from {tenant} of the sum of {amount}{words} as a part payment of the rent and "
                "charges of the period from {start} to {end}, which amount to {total}. Balance still due: {balance}."
            ) if commercial else _(
                "I, the undersigned {landlord}, landlord of the premises described above, acknowledge "
                "receipt from {tenant} of the sum of {amount}{words} as a part payment of the rent and "
                "charges of the period from {start} to {end}, which amount to {total}. Balance still due: {balance}."
            )).format(
                landlord=landlord, tenant=tenant, amount=fmt.money(gross, currency),
                words=words(gross), start=start, end=end,
                total=fmt.money(doc.amount_due, currency), balance=fmt.money(doc.balance, currency),
            ),
            ngettext("Payment received on {dates}.", "Payments received on {dates}.", len(distinct_dates)).format(dates=dates),
            _("This receipt is not a rent receipt (quittance): the rent of the period has not been paid in full."),
        ]
        if returned:
            legal.insert(1, returned_sentence())
    else:
        legal = [
            _(
                "Please pay the sum of {amount}{words} for the rent and charges of the period from "
                "{start} to {end}, no later than {due}."
            ).format(amount=fmt.money(doc.balance, currency), words=words(doc.balance), start=start, end=end, due=due),
            _("This notice is not a rent receipt."),
        ]
    if has_tax:
        legal.append(_("Amounts include VAT where shown."))

    credit_lines = []
    if doc.amount_credited:
        credit_lines.append((_("Credit notes"), fmt.money(-doc.amount_credited, currency)))
        credit_lines.append((_("Net amount due"), fmt.money(doc.amount_due, currency)))
    payments = [
        {"date": fmt.date(p.paid_on), "mode": _(PAYMENT_MODE_LABELS[p.mode]), "amount": fmt.money(p.amount, currency)}
        for p in received
    ]
    for note, back, kept in returned:
        if back:
            payments.append({"date": fmt.date(note.refund_date or note.issued_on),
                             "mode": _("Refunded ({mode}), credit note {number}").format(
                                 mode=_(PAYMENT_MODE_LABELS.get(note.refund_mode, note.refund_mode)).lower(),
                                 number=note.number),
                             "amount": fmt.money(-back, currency)})
        if kept:
            payments.append({"date": fmt.date(note.issued_on),
                             "mode": _("Kept as the tenant's credit, credit note {number}").format(number=note.number),
                             "amount": fmt.money(-kept, currency)})
    if not ctx.pdf.show_payments:
        payments = []
    returned_lines = []
    if refunded:
        returned_lines.append((_("Refunded"), fmt.money(-refunded, currency)))
    if to_credit:
        returned_lines.append((_("Kept as the tenant's credit"), fmt.money(-to_credit, currency)))
    signed_on = max((p.paid_on for p in received), default=None) or doc.issued_on or doc.period_start
    place = ctx.company.city
    signed_at = (
        _("Done at {place}, on {date}").format(place=place, date=fmt.date(signed_on))
        if place
        else _("Done on {date}").format(date=fmt.date(signed_on))
    )
    return {
        "lang": lang,
        "title": _(document_title(doc)),
        "number": doc.number or "",
        "status": status_class,
        "status_label": status_label,
        "company_lines": company_lines(ctx),
        "tenant_lines": tenant_lines(ctx, doc.customer),
        "meta": [
            (_("Commercial premises let") if commercial else _("Rented premises"), _premises(doc)),
            (_("Period"), _("from {start} to {end}").format(start=start, end=end)),
            (_("Issue date"), fmt.date(doc.issued_on) if doc.issued_on else _("Draft")),
            (_("Due date"), due),
        ],
        "lines": lines,
        "show_tax_column": show_tax_column,
        "has_tax": has_tax,
        "subtotal": fmt.money(doc.subtotal, currency),
        "tax_summary": tax_summary,
        "total_label": _("Total incl. tax") if has_tax else _("Total"),
        "total": fmt.money(doc.total, currency),
        "credit_lines": credit_lines,
        "paid_line": ctx.pdf.show_payments and (paid_status != "unpaid" or gross > 0),
        "paid": fmt.money(gross, currency),
        "returned_lines": returned_lines if ctx.pdf.show_payments else [],
        "balance_line": ctx.pdf.show_payments and doc.balance > 0 and paid_status != "unpaid",
        "balance": fmt.money(doc.balance, currency),
        "payments": payments,
        "payments_heading": ngettext("Payment received", "Payments received", len(payments)),
        "legal": legal,
        "pay_online": _payment_options(doc, ctx, fmt, link_url),
        "landlord": landlord,
        "signed_at": signed_at,
        # Only what acknowledges money received is signed: a quittance or a reçu, issued and not cancelled.
        "signature": ctx.signature_view(ctx.signature.on_rent_documents and doc.state == "issued"
                                        and paid_status in ("paid", "partial")),
        "page_label_css": css_string(_("Page")),
    }


def rent_document_html(doc: RentDocument, ctx: DocumentContext, *, link_url: str | None = None) -> str:
    lang = ctx.language_for(doc.customer.language)
    with language(lang):
        view = rent_document_view(doc, ctx, lang, link_url=link_url)
        return render_html("rent_document.html", page=ctx.page_view(ctx.formats.receipt), doc=view)


def render_rent_document_pdf(doc: RentDocument, ctx: DocumentContext, *, link_url: str | None = None) -> bytes:
    from homecrm.render.pdf import renderer

    return renderer().render(rent_document_html(doc, ctx, link_url=link_url))


def pdf_filename(doc: RentDocument) -> str:
    kind = "annule" if doc.state == "cancelled" else {"paid": "quittance", "partial": "recu", "unpaid": "avis"}[doc.payment_status]
    safe_number = (doc.number or f"brouillon-{doc.id}").replace("/", "-")
    return f"{kind}-{safe_number}.pdf"
