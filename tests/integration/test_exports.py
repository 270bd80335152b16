"""The month's ZIP: every issued document as a PDF, printed by worker processes for big months."""

import io
import zipfile
from datetime import date

from homecrm.billing.documents import generate_month
from homecrm.billing.exports import month_zip
from homecrm.billing.periods import Month
from homecrm.render.batch import POOL_THRESHOLD
from tests.factories import make_lease
from tests.helpers import pdf_text
from tests.factories import ACTOR


def test_a_big_month_is_printed_by_workers_in_order(db, frozen_today):
    count = POOL_THRESHOLD + 6
    with db.write() as session:
        for i in range(count):
            make_lease(session, name=f"Locataire{i:02d}", unit=f"U{i:02d}")
        generate_month(session, month=Month(2026, 3), on=date(2026, 3, 1), actor=ACTOR)
    progress = []
    with db.read() as session:
        data = month_zip(session, month=Month(2026, 3), workers=2, progress=lambda done, total: progress.append(done), actor=ACTOR)
    assert progress == list(range(1, count + 1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [f"avis-QUI-{n:06d}.pdf" for n in range(1, count + 1)]
        last = pdf_text(archive.read(names[-1]))
    assert f"N° QUI-{count:06d}" in last and "Locataire" in last
