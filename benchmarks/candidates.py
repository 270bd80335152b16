"""Benchmark: importing 50,000 candidates, and the board with 10,000 candidates.

Prints
  1. import: rows per second for reading + checking + inserting a 50,000-row CSV (Windows-1252, ";"),
     and the peak of Python allocations during it (tracemalloc) plus the process's peak RSS;
  2. board: the run time of the Candidats page (AppTest, signed in as an administrator) with
     10,000 candidates — board view, list view — and of the board service alone.
Not a test: run it with ``make bench``; no figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homecrm.crm import candidate_import as ci  # noqa: E402
from homecrm.crm.candidate_board import board, list_candidates  # noqa: E402
from homecrm.security.accounts import create_admin  # noqa: E402
from homecrm.security.principal import Principal  # noqa: E402
from homecrm.store import make_engine, make_session_factory, read_session, upgrade_database, write_session  # noqa: E402

SOURCES = ["Leboncoin", "SeLoger", "PAP", "Site web", "Bouche-à-oreille"]
FIRST = ["Zoé", "Léo", "Inès", "Hugo", "Anaïs", "Jules", "Chloé", "Noé"]


def make_csv(rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    lines = ["Prénom;Nom;E-mail;Téléphone;Source;Budget;Date d'emménagement;Étiquettes;Notes"]
    for i in range(rows):
        first = rng.choice(FIRST)
        lines.append(";".join([
            first, f"Candidat{i}", f"c{i}@example.fr", f"06{10 + i % 29:02d}{i:06d}", rng.choice(SOURCES),
            f"{rng.randint(400, 1500)},{rng.randint(0, 99):02d}", f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026",
            rng.choice(["", "Étudiant", "Garant Visale", "Urgent|Étudiant"]), "Appel reçu, rappeler en fin de journée"]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_import(url: str, rows: int, *, trace: bool) -> None:
    """One import in this (fresh) process: time and peak RSS, or Python allocations when ``trace``."""
    factory = make_session_factory(make_engine(url))
    data = make_csv(rows)
    base_rss = rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    csv_file = ci.load(data)
    with write_session(factory) as session:
        report = ci.import_candidates(session, actor=Principal.system(), csv_file=csv_file)
    elapsed = time.perf_counter() - started
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        print(f"  peak Python allocations during the import (tracemalloc, slows the run): {peak / 1e6:.0f} MB "
              f"(the CSV itself is {len(data) / 1e6:.1f} MB)")
        return
    print(f"import {rows:,} rows ({len(data) / 1e6:.1f} MB, {csv_file.encoding}): {elapsed:.1f} s, "
          f"{report.imported / elapsed:,.0f} rows/s; imported {report.imported:,}, refused {report.skipped:,}; "
          f"peak RSS {rss_mb():.0f} MB (before: {base_rss:.0f} MB)")


def _child(*args: str) -> None:
    import subprocess

    subprocess.run([sys.executable, __file__, *args], check=True)


def bench_board(url: str, factory) -> None:
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    with write_session(factory) as session:
        admin = create_admin(session, email="bench@example.fr", name="Bench", password="bench-password-2026")
        admin_id = admin.id
    actor = Principal.system()
    with read_session(factory) as session:
        started = time.perf_counter()
        columns = board(session, actor=actor)
        service = time.perf_counter() - started
        started = time.perf_counter()
        list_candidates(session, actor=actor, limit=1000)
        listing = time.perf_counter() - started
    total = sum(c.total for c in columns)
    print(f"board service with {total:,} candidates: {service * 1000:.0f} ms "
          f"({sum(len(c.cards) for c in columns)} cards shown); list service (1,000 rows): {listing * 1000:.0f} ms")
    os.environ["HOMECRM_DATABASE_URL"] = url
    for view in ("board", "list"):
        timings = []
        for _ in range(3):
            # AppTest runs the page outside a server, and Streamlit says so at every call ("missing
            # ScriptRunContext"); each run sets its loggers' level again.
            set_log_level("error")
            at = AppTest.from_file(str(ROOT / "pages" / "candidates.py"), default_timeout=120)
            at.session_state["auth.user_id"] = admin_id
            at.session_state["candidates.view"] = view
            started = time.perf_counter()
            at.run()
            timings.append(time.perf_counter() - started)
            if at.exception:
                raise SystemExit(at.exception[0].value)
        print(f"page run, {view} view, {total:,} candidates: best {min(timings):.2f} s, "
              f"first {timings[0]:.2f} s (AppTest, 3 runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--board", type=int, default=10_000)
    parser.add_argument("--import-into", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_into:
        bench_import(args.import_into, args.rows, trace=args.trace)
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("HOMECRM_DATA_DIR", tmp)
        for name, extra in (("import.db", []), ("traced.db", ["--trace"])):
            url = f"sqlite:///{tmp}/{name}"
            upgrade_database(url)
            _child("--rows", str(args.rows), "--import-into", url, *extra)  # a fresh process: clean memory figures
        url = f"sqlite:///{tmp}/board.db"
        upgrade_database(url)
        factory = make_session_factory(make_engine(url))
        with write_session(factory) as session:
            ci.import_candidates(session, actor=Principal.system(), csv_file=ci.load(make_csv(args.board, seed=2)))
        bench_board(url, factory)


if __name__ == "__main__":
    main()
