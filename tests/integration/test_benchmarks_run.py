"""The benchmark scripts keep working: run each on a tiny data set (figures printed, none asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_receipts_benchmark_runs_on_a_few_leases():
    out = _run("receipts_pdf.py", "--leases", "3", "--workers", "1", "--sample", "2")
    assert "1. issue the month:            3 documents" in out
    assert "2. PDFs into the ZIP:          3 documents" in out
    assert "4. bare WeasyPrint:" in out


def test_candidates_benchmark_runs_on_a_few_rows():
    out = _run("candidates.py", "--rows", "20", "--board", "20")
    assert "imported 20, refused 0" in out
    assert "board service with 20 candidates" in out
