"""Counters are taken atomically from the database, even by several processes at once."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from homecrm.billing import numbering
from homecrm.billing.documents import create_draft, issue_document
from homecrm.billing.periods import Month
from homecrm.settings import save_section
from homecrm.settings.sections import ReceiptSettings
from homecrm.store.models import NumberCounter, RentDocument
from tests.factories import make_lease
from tests.factories import ACTOR

ROOT = Path(__file__).resolve().parents[2]


def _run_parallel(argv_list: list[list[str]]) -> list:
    """Start one process per argv at once (real OS processes), collect their JSON output."""
    processes = [
        subprocess.Popen([sys.executable, "-m", "tests.integration.counter_worker", *argv], stdout=subprocess.PIPE,
                         cwd=ROOT, text=True)
        for argv in argv_list
    ]
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=180)
        assert process.returncode == 0
        outputs.extend(json.loads(out))
    return outputs


def test_eight_processes_get_distinct_consecutive_numbers(db):
    numbers = _run_parallel([[db.url, "take", "25"] for _ in range(8)])
    assert sorted(numbers) == list(range(1, 201))


def test_concurrent_issuing_of_documents(db):
    with db.write() as session:
        ids = [create_draft(session, lease_id=make_lease(session, name=f"T{i}", unit=f"U{i}").id,
                            month=Month(2026, 3), actor=ACTOR).id for i in range(16)]
    numbers = _run_parallel([[db.url, "issue", *map(str, ids[i::8])] for i in range(8)])
    assert sorted(numbers) == [f"QUI-{n:06d}" for n in range(1, 17)]


def test_counter_is_per_series_and_period(db):
    with db.write() as session:
        assert [numbering.take_next(session, "receipts", "2026") for _ in range(3)] == [1, 2, 3]
        assert numbering.take_next(session, "receipts", "2027") == 1
        assert numbering.take_next(session, "credit_notes", "2026") == 1
        assert numbering.peek_next(session, "receipts", "2026") == 4
    with db.read() as session:
        assert session.scalars(select(NumberCounter)).all().__len__() == 3


def test_year_format_restarts_in_january(db):
    with db.write() as session:
        save_section(session, ReceiptSettings, {"number_format": "year/number", "padding": 4}, actor=ACTOR)
        lease = make_lease(session)
        dec = create_draft(session, lease_id=lease.id, month=Month(2026, 12), actor=ACTOR)
        jan = create_draft(session, lease_id=lease.id, month=Month(2027, 1), actor=ACTOR)
        assert issue_document(session, document_id=dec.id, on=date(2026, 12, 20), actor=ACTOR).number == "QUI-2026/0001"
        assert issue_document(session, document_id=jan.id, on=date(2027, 1, 2), actor=ACTOR).number == "QUI-2027/0001"


def test_next_number_setting_moves_the_counter_but_never_backwards(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session)
        doc = create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        issue_document(session, document_id=doc.id, actor=ACTOR)
        save_section(session, ReceiptSettings, {"next_number": 25, "padding": 3}, actor=ACTOR)
        doc2 = create_draft(session, lease_id=lease.id, month=Month(2026, 4), actor=ACTOR)
        assert issue_document(session, document_id=doc2.id, actor=ACTOR).number == "QUI-025"
    import pytest

    from homecrm.errors import ValidationError

    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        save_section(session, ReceiptSettings, {"next_number": 25}, actor=ACTOR)
    assert excinfo.value.field == "next_number"
    with db.read() as session:
        assert session.scalar(select(NumberCounter.next_value)) == 26
        assert {d.number for d in session.scalars(select(RentDocument))} == {"QUI-000001", "QUI-025"}


def test_a_new_format_continues_from_the_next_number(db, frozen_today):
    """Switching from 000001 to YYYY/000001 mid-year continues the series (2026/003 after 000002);
    the yearly counter still restarts next January; a number typed with the change wins."""
    with db.write() as session:
        lease = make_lease(session)
        for month in (1, 2):
            doc = create_draft(session, lease_id=lease.id, month=Month(2026, month), actor=ACTOR)
            issue_document(session, document_id=doc.id, actor=ACTOR)
        save_section(session, ReceiptSettings, {"number_format": "year/number", "padding": 3}, actor=ACTOR)
        march = create_draft(session, lease_id=lease.id, month=Month(2026, 3), actor=ACTOR)
        assert issue_document(session, document_id=march.id, actor=ACTOR).number == "QUI-2026/003"
        jan = create_draft(session, lease_id=lease.id, month=Month(2027, 1), actor=ACTOR)
        assert issue_document(session, document_id=jan.id, on=date(2027, 1, 2), actor=ACTOR).number == "QUI-2027/001"
    with db.write() as session:
        save_section(session, ReceiptSettings, {"number_format": "number-yy", "next_number": 40}, actor=ACTOR)
        april = create_draft(session, lease_id=lease.id, month=Month(2026, 4), actor=ACTOR)
        assert issue_document(session, document_id=april.id, actor=ACTOR).number == "QUI-040-26"
    with db.write() as session:  # back to plain numbers: never a number that format already gave
        save_section(session, ReceiptSettings, {"number_format": "number", "padding": 6}, actor=ACTOR)
        may = create_draft(session, lease_id=lease.id, month=Month(2026, 5), actor=ACTOR)
        assert issue_document(session, document_id=may.id, actor=ACTOR).number == "QUI-000041"
