from decimal import Decimal

from homecrm.billing.tax import TaxedLine, document_totals, line_amounts
from tests.helpers import vectors


def test_tax_vector_summary_adds_up_to_the_total():
    case = vectors("money.json")["tax"][0]
    lines = []
    for net, rate in case["lines"]:
        amounts = line_amounts(Decimal("1"), Decimal(net), Decimal(rate), "EUR")
        lines.append(TaxedLine(net=amounts.net, tax=amounts.tax, tax_name="TVA", tax_rate=Decimal(rate)))
    totals = document_totals(lines, "EUR")
    assert str(totals.tax_total) in case["one_of_total_tax"]
    # The rule: tax per line, rounded half-up; the summary is the sum of the printed line taxes.
    assert totals.tax_total == Decimal("15.34")
    assert sum(row.tax for row in totals.summary) == totals.tax_total
    assert totals.subtotal + sum(row.tax for row in totals.summary) == totals.total
    assert totals.total == Decimal("82.00")


def test_line_without_tax():
    amounts = line_amounts(Decimal("1"), Decimal("650.00"), None, "EUR")
    assert (amounts.net, amounts.tax, amounts.total) == (Decimal("650.00"), Decimal("0"), Decimal("650.00"))


def test_quantity_times_price_is_rounded_half_up():
    amounts = line_amounts(Decimal("0.5"), Decimal("10.05"), Decimal("20"), "EUR")
    assert amounts.net == Decimal("5.03")  # 5.025 → 5.03
    assert amounts.tax == Decimal("1.01")  # 1.006 → 1.01
    assert amounts.total == Decimal("6.04")


def test_summary_groups_by_rate():
    lines = [
        TaxedLine(Decimal("100.00"), Decimal("20.00"), "TVA", Decimal("20")),
        TaxedLine(Decimal("50.00"), Decimal("5.00"), "TVA", Decimal("10")),
        TaxedLine(Decimal("10.00"), Decimal("2.00"), "TVA", Decimal("20")),
    ]
    totals = document_totals(lines, "EUR")
    assert [(r.rate, r.base, r.tax) for r in totals.summary] == [
        (Decimal("10"), Decimal("50.00"), Decimal("5.00")),
        (Decimal("20"), Decimal("110.00"), Decimal("22.00")),
    ]
    assert totals.total == Decimal("187.00")
