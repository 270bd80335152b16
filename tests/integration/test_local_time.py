""""Today" is the landlord's day (Paramètres > Localisation > fuseau horaire), not Paris's."""

from datetime import UTC, date, datetime

from homecrm import clock
from homecrm.billing.documents import create_draft, issue_document
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.settings import save_section
from homecrm.settings.local_time import local_today
from homecrm.settings.sections import LocalizationSettings, ReceiptSettings
from tests.factories import ACTOR, make_lease

# 31 December 2026, 14:00 UTC: still the 31st in Paris (15:00), already 1 January 2027 in Nouméa (01:00).
NEW_YEAR_IN_NOUMEA = datetime(2026, 12, 31, 14, 0, tzinfo=UTC)


def test_issue_date_numbering_year_and_payment_date_follow_the_configured_time_zone(db):
    with db.write() as session:
        save_section(session, LocalizationSettings, {"timezone": "Pacific/Noumea"}, actor=ACTOR)
        save_section(session, ReceiptSettings, {"number_format": "year/number"}, actor=ACTOR)
        lease = make_lease(session, start=date(2026, 1, 1))
    with clock.frozen(NEW_YEAR_IN_NOUMEA), db.write() as session:
        assert local_today(session) == date(2027, 1, 1)
        draft = create_draft(session, actor=ACTOR, lease_id=lease.id, month=Month(2027, 1))
        doc = issue_document(session, actor=ACTOR, document_id=draft.id)
        assert doc.issued_on == date(2027, 1, 1)
        assert doc.number == "QUI-2027/000001", doc.number
        # A payment dated the landlord's today is not "in the future".
        payment = record_payment(session, actor=ACTOR, document_id=doc.id,
                                 data={"amount": "100", "paid_on": date(2027, 1, 1)})
        assert payment.paid_on == date(2027, 1, 1)


def test_paris_by_default(db):
    with clock.frozen(NEW_YEAR_IN_NOUMEA), db.read() as session:
        assert local_today(session) == date(2026, 12, 31)
