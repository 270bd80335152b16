#!/usr/bin/env python3
"""Check (and, as root with apt, install) the system packages homecrm needs.

  --pdf      Pango for WeasyPrint (required: stops when missing) and HarfBuzz's subsetter
             (3–4× faster PDFs; warns when missing)
  --browser  Debian's chromium for the browser tests (installed as root; otherwise the tests
             are skipped and say why)

Standard library only: this runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import shutil
import subprocess
import sys

PDF_LIBS = {  # library name for ctypes → Debian package
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz-subset": "libharfbuzz-subset0",
}
REQUIRED = {"pango-1.0", "pangoft2-1.0"}
CHROMIUM = "/usr/bin/chromium"


def can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(packages: list[str]) -> bool:
    print(f"[homecrm] installing {' '.join(packages)} with apt-get…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run(["apt-get", "update", "-qq"], env=env)
    install = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env)
    return update.returncode == 0 and install.returncode == 0


def missing_libs() -> list[str]:
    return [lib for lib in PDF_LIBS if ctypes.util.find_library(lib) is None]


def check_python() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"[homecrm] Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")


def check_pdf() -> None:
    missing = missing_libs()
    if missing and can_install():
        apt_install([PDF_LIBS[lib] for lib in missing])
        missing = missing_libs()
    required = [lib for lib in missing if lib in REQUIRED]
    if required:
        packages = " ".join(PDF_LIBS[lib] for lib in missing)
        sys.exit(
            "[homecrm] WeasyPrint needs Pango, which is not installed.\n"
            f"          Install it, then run make again:  sudo apt-get install {packages}\n"
            "          (Fedora: sudo dnf install pango harfbuzz; macOS: brew install pango)"
        )
    if missing:
        print(
            "[homecrm] warning: libharfbuzz-subset0 is missing: PDFs will be 3–4× slower.\n"
            "          Install it with:  sudo apt-get install libharfbuzz-subset0",
            flush=True,
        )


def check_browser() -> None:
    if os.path.exists(CHROMIUM):
        return
    if can_install() and apt_install(["chromium"]) and os.path.exists(CHROMIUM):
        return
    print(
        f"[homecrm] {CHROMIUM} is missing: the browser tests will be SKIPPED.\n"
        "          To run them: sudo apt-get install chromium",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    check_python()
    if args.pdf:
        check_pdf()
    if args.browser:
        check_browser()


if __name__ == "__main__":
    main()
