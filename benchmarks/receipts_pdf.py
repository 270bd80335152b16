"""Benchmark: a month of rent documents with PDFs for 1,000 leases.

Prints documents per second and peak memory for
  1. issuing the month's documents (numbered, in one transaction),
  2. printing every PDF into the month's ZIP with a pool of worker processes (homecrm's path),
  3. the same HTML printed by our renderer in one process, and by bare WeasyPrint
     (``HTML(string=...).write_pdf()`` with nothing reused) as the reference.
Not a test: run it with ``make bench``; no figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from homecrm import clock  # noqa: E402
from homecrm.billing.documents import documents_for_render, generate_month  # noqa: E402
from homecrm.billing.exports import month_document_ids, month_zip  # noqa: E402
from homecrm.billing.periods import Month  # noqa: E402
from homecrm.render.context import DocumentContext  # noqa: E402
from homecrm.security.principal import Principal  # noqa: E402
from homecrm.settings import save_section  # noqa: E402
from homecrm.settings.sections import CompanySettings  # noqa: E402
from homecrm.render.rent_document import rent_document_html  # noqa: E402
from homecrm.store import make_engine, make_session_factory, read_session, upgrade_database, write_session  # noqa: E402
from homecrm.store.models import Customer, Lease, Property, Unit  # noqa: E402

ACTOR = Principal.system()


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def seed(factory, leases: int) -> None:
    """Bulk-insert tenants, units and leases (the benchmark is about documents, not forms)."""
    with write_session(factory) as session:
        session.execute(insert(Property), [{"name": f"Immeuble {i}", "address": f"{i} rue de la Paix",
                                            "zip_code": "69003", "city": "Lyon", "country": "FR", "notes": ""}
                                           for i in range(1, leases // 50 + 2)])
        session.execute(insert(Customer), [{"kind": "person", "civility": "Mme", "first_name": "Camille",
                                            "last_name": f"Locataire {i}", "company_name": "", "siren": "",
                                            "vat_number": "", "email": f"l{i}@example.fr", "phone": "",
                                            "address": f"{i} rue de la Paix", "zip_code": "69003", "city": "Lyon",
                                            "country": "FR", "language": "", "notes": "", "active": True}
                                           for i in range(1, leases + 1)])
        session.execute(insert(Unit), [{"property_id": i // 50 + 1, "name": f"Apt {i}", "kind": "apartment",
                                        "floor": "", "notes": ""} for i in range(1, leases + 1)])
        session.execute(insert(Lease), [{"customer_id": i, "unit_id": i, "start_date": date(2025, 1, 1),
                                         "rent": (600 + i % 400) * 100 // 100, "charges": 50, "deposit": 0,
                                         "due_day": 5, "currency": "EUR", "regime": "residential",
                                         "vat_option": False, "furnished": False, "notes": ""}
                                        for i in range(1, leases + 1)])
        save_section(session, CompanySettings, {"name": "SCI Bench", "address": "1 rue de la Paix",
                                                 "zip_code": "69002", "city": "Lyon"}, actor=ACTOR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--sample", type=int, default=100, help="documents for the single-process references")
    args = parser.parse_args()
    month = Month(2026, 3)

    with tempfile.TemporaryDirectory() as tmp, clock.frozen(date(2026, 3, 12)):
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_database(url)
        factory = make_session_factory(make_engine(url))
        seed(factory, args.leases)
        print(f"homecrm PDF benchmark — {args.leases} leases, {args.workers} workers, CPUs: {os.cpu_count()}")

        start = time.perf_counter()
        with write_session(factory) as session:
            result = generate_month(session, actor=ACTOR, month=month, on=date(2026, 2, 25))
        elapsed = time.perf_counter() - start
        print(f"1. issue the month:        {len(result.created):5d} documents in {elapsed:6.2f} s "
              f"= {len(result.created) / elapsed:7.1f} docs/s")

        start = time.perf_counter()
        with read_session(factory) as session:
            data = month_zip(session, actor=ACTOR, month=month, workers=args.workers)
        elapsed = time.perf_counter() - start
        print(f"2. PDFs into the ZIP:      {len(result.created):5d} documents in {elapsed:6.2f} s "
              f"= {len(result.created) / elapsed:7.1f} docs/s  (ZIP {len(data) / 1e6:.1f} MB; "
              f"peak RSS main {rss_mb():.0f} MB, largest worker {rss_mb(resource.RUSAGE_CHILDREN):.0f} MB)")

        with read_session(factory) as session:
            ids = month_document_ids(session, month, actor=ACTOR)[: args.sample]
            ctx = DocumentContext.load(session)
            htmls = [rent_document_html(doc, ctx) for doc in documents_for_render(session, ids)]

        from homecrm.render.pdf import PdfRenderer

        renderer = PdfRenderer()
        renderer.render(htmls[0])  # fonts loaded once, as in a worker
        before = rss_mb()
        start = time.perf_counter()
        for html in htmls:
            renderer.render(html)
        elapsed = time.perf_counter() - start
        print(f"3. one process, reused:    {len(htmls):5d} documents in {elapsed:6.2f} s "
              f"= {len(htmls) / elapsed:7.1f} docs/s  (peak RSS {before:.0f} → {rss_mb():.0f} MB)")

        from weasyprint import HTML

        from homecrm.render.pdf import TEMPLATES_DIR, _font_faces
        from homecrm.config import load_config

        css = _font_faces(load_config().assets_dir / "fonts") + (TEMPLATES_DIR / "document.css").read_text()
        bare = [html.replace("</head>", f"<style>{css}</style></head>") for html in htmls]
        before = rss_mb()
        start = time.perf_counter()
        for html in bare:
            HTML(string=html, base_url=str(load_config().assets_dir)).write_pdf()
        elapsed = time.perf_counter() - start
        print(f"4. bare WeasyPrint:        {len(bare):5d} documents in {elapsed:6.2f} s "
              f"= {len(bare) / elapsed:7.1f} docs/s  (peak RSS {before:.0f} → {rss_mb():.0f} MB)")


if __name__ == "__main__":
    main()
