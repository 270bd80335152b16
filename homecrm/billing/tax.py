"""Line amounts and taxes: one documented rule.

Rule: each line's net amount is ``quantity × unit price`` rounded half-up to the currency's minor
unit; its tax is ``net × rate / 100`` rounded half-up the same way; the line total is net + tax.
The document's totals are the sums of the lines, and the printed tax summary groups the lines'
own taxes by (name, rate). Every figure on the document is therefore a sum of printed figures:
the summary adds up exactly to the total. (Two lines 55.55 and 11.11 at 23 % give 12.78 + 2.56 =
15.34 of tax, where rounding the total would give 15.33; both are lawful, ours is consistent.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from homecrm.billing.money import ZERO, as_decimal, quantize


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class TaxSummaryRow:
    name: str
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    summary: tuple[TaxSummaryRow, ...]


def line_amounts(
    quantity: Decimal | int, unit_price: Decimal | int, rate: Decimal | int | None, currency: str
) -> LineAmounts:
    net = quantize(as_decimal(quantity) * as_decimal(unit_price), currency)
    tax = ZERO if rate is None else quantize(net * as_decimal(rate) / 100, currency)
    tax = quantize(tax, currency)
    return LineAmounts(net=net, tax=tax, total=net + tax)


@dataclass(frozen=True)
class TaxedLine:
    """What the totals need to know of a line (any object with these attributes works too)."""

    net: Decimal
    tax: Decimal
    tax_name: str = ""
    tax_rate: Decimal | None = None


def document_totals(lines: Iterable[TaxedLine], currency: str) -> Totals:
    subtotal = quantize(ZERO, currency)
    tax_total = quantize(ZERO, currency)
    groups: dict[tuple[str, Decimal], list[Decimal]] = {}
    for line in lines:
        subtotal += line.net
        tax_total += line.tax
        if line.tax_rate is not None:
            base_tax = groups.setdefault((line.tax_name, line.tax_rate), [ZERO, ZERO])
            base_tax[0] += line.net
            base_tax[1] += line.tax
    summary = tuple(
        TaxSummaryRow(name=name, rate=rate, base=base, tax=tax)
        for (name, rate), (base, tax) in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    )
    return Totals(subtotal=subtotal, tax_total=tax_total, total=subtotal + tax_total, summary=summary)
