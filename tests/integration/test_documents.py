"""The month's rent documents: generation, lines, numbering, drafts, French rules."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homecrm.billing.documents import (
    add_line,
    create_draft,
    delete_draft,
    document_title,
    generate_month,
    get_document,
    issue_document,
    list_documents,
)
from homecrm.billing.periods import Month
from homecrm.billing.taxes import create_tax
from homecrm.errors import ConflictError, ValidationError
from homecrm.settings import save_section
from homecrm.settings.sections import FinanceSettings
from homecrm.store.models import RentDocument
from tests.factories import make_lease
from tests.factories import ACTOR


def test_generation_issues_one_numbered_document_per_active_lease_and_is_idempotent(db):
    with db.write() as session:
        make_lease(session, name="A", unit="1")
        make_lease(session, name="B", unit="2", start=date(2026, 4, 1))  # not yet started in March
        make_lease(session, name="C", unit="3", end=date(2026, 2, 28))  # ended
        first = generate_month(session, month=Month(2026, 3), on=date(2026, 2, 25), actor=ACTOR)
        again = generate_month(session, month=Month(2026, 3), on=date(2026, 2, 26), actor=ACTOR)
    assert (len(first.created), first.existing, first.leases) == (1, 0, 1)
    assert (len(again.created), again.existing) == (0, 1)
    with db.read() as session:
        docs = session.scalars(select(RentDocument)).all()
        assert [d.number for d in docs] == ["QUI-000001"]
        doc = docs[0]
        assert (doc.period_start, doc.period_end, doc.due_date) == (date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 5))
        assert [(l.kind, l.net) for l in doc.lines] == [("rent", Decimal("650.00")), ("charges", Decimal("80.00"))]
        assert doc.total == Decimal("730.00") and doc.tax_total == Decimal("0.00")
        assert doc.state == "issued" and doc.issued_on == date(2026, 2, 25)


def test_mid_month_start_is_charged_pro_rata(db):
    with db.write() as session:
        make_lease(session, start=date(2026, 3, 15), rent="620.00", charges="31.00")
        generate_month(session, month=Month(2026, 3), on=date(2026, 3, 15), actor=ACTOR)
    with db.read() as session:
        doc = session.scalars(select(RentDocument)).one()
        # 17 days of 31: 620 × 17/31 = 340.00; 31 × 17/31 = 17.00
        assert [l.net for l in doc.lines] == [Decimal("340.00"), Decimal("17.00")]
        assert doc.period_start == date(2026, 3, 15) and doc.due_date == date(2026, 3, 15)


def test_drafts_have_no_number_and_only_drafts_can_be_deleted(db):
    with db.write() as session:
        lease = make_lease(session)
        draft = create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        assert draft.number is None and draft.state == "draft"
        with pytest.raises(ConflictError):
            create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        delete_draft(session, document_id=draft.id, actor=ACTOR)
        again = create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        issue_document(session, document_id=again.id, on=date(2026, 3, 1), actor=ACTOR)
        with pytest.raises(ConflictError, match="credit note|note de crédit"):
            delete_draft(session, document_id=again.id, actor=ACTOR)
        with pytest.raises(ConflictError):
            issue_document(session, document_id=again.id, actor=ACTOR)


def test_residential_documents_refuse_fees_and_penalties(db):
    with db.write() as session:
        lease = make_lease(session)
        draft = create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        for data in ({"kind": "fee", "description": "Frais de relance", "unit_price": "15"},
                     {"kind": "other", "description": "Pénalité de retard", "unit_price": "30"},
                     {"kind": "other", "description": "Frais d'envoi de quittance", "unit_price": "2"}):
            with pytest.raises(ValidationError, match="89-462"):
                add_line(session, document_id=draft.id, data=data, actor=ACTOR)
        line = add_line(session, document_id=draft.id, data={"kind": "other", "description": "Régularisation de charges 2025", "unit_price": "42,50"}, actor=ACTOR)
        assert line.net == Decimal("42.50")
        assert get_document(session, draft.id, actor=ACTOR).total == Decimal("772.50")


def test_commercial_lease_with_vat_option_carries_the_default_tax(db):
    with db.write() as session:
        vat = create_tax(session, data={"name": "TVA", "rate": "20"}, actor=ACTOR)
        save_section(session, FinanceSettings, {"default_tax": vat.id}, actor=ACTOR)
        lease = make_lease(session, rent="1800.00", charges="150.00", regime="commercial", vat_option=True,
                           customer={"kind": "company", "company_name": "Boulangerie SARL"})
        doc = create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        fee = add_line(session, document_id=doc.id, data={"kind": "fee", "description": "Frais de dossier", "unit_price": "100"}, actor=ACTOR)
        assert fee.tax == Decimal("20.00")
        assert (doc.subtotal, doc.tax_total, doc.total) == (Decimal("2050.00"), Decimal("410.00"), Decimal("2460.00"))


def test_vat_option_without_any_tax_is_explained(db):
    with db.write() as session:
        make_lease(session, regime="commercial", vat_option=True, customer={"kind": "company", "company_name": "X"})
        with pytest.raises(ValidationError, match="tax|taxe"):
            generate_month(session, month=Month(2026, 3), actor=ACTOR)
    with db.read() as session:
        assert session.scalar(select(func.count(RentDocument.id))) == 0


def test_title_follows_what_was_paid(db):
    from homecrm.billing.payments import delete_payment, record_payment

    with db.write() as session:
        make_lease(session)
        generate_month(session, month=Month(2026, 3), on=date(2026, 3, 1), actor=ACTOR)
        doc = session.scalars(select(RentDocument)).one()
        assert document_title(doc) == "Rent due notice"
        part = record_payment(session, document_id=doc.id, data={"amount": "300", "paid_on": date(2026, 3, 5), "mode": "virement"}, actor=ACTOR)
        assert document_title(doc) == "Receipt" and doc.balance == Decimal("430.00")
        record_payment(session, document_id=doc.id, data={"amount": "430,00", "paid_on": date(2026, 3, 6), "mode": "chèque"}, actor=ACTOR)
        assert document_title(doc) == "Rent receipt" and doc.payment_status == "paid"
        delete_payment(session, payment_id=part.id, actor=ACTOR)
        assert document_title(doc) == "Receipt" and doc.amount_paid == Decimal("430.00")


def test_list_filters_and_overdue(db):
    with db.write() as session:
        make_lease(session, name="A", unit="1")
        make_lease(session, name="B", unit="2")
        generate_month(session, month=Month(2026, 3), on=date(2026, 3, 1), actor=ACTOR)
    with db.read() as session:
        rows = list_documents(session, month=Month(2026, 3), today=date(2026, 3, 10), actor=ACTOR)
        assert {r.status for r in rows} == {"unpaid"} and all(r.overdue for r in rows)
        assert list_documents(session, status="overdue", today=date(2026, 3, 4), actor=ACTOR) == []
        assert len(list_documents(session, status="unpaid", today=date(2026, 3, 4), actor=ACTOR)) == 2
        assert rows[0].as_json().keys() >= {"number", "tenant", "period", "status", "total", "paid", "balance"}
