"""Many PDFs at once: HTML built here, PDFs printed by a pool of worker processes.

Only HTML strings and PDF bytes cross process boundaries. Each worker builds its WeasyPrint
fonts and stylesheet once (``renderer()``) and reuses them, so memory stays flat whatever the
batch size; results are streamed into the ZIP as they arrive. Small batches are printed in this
process: starting workers costs more than it saves below ``POOL_THRESHOLD`` documents.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from homecrm.render.pdf import renderer

POOL_THRESHOLD = 24


def _warm_up() -> None:
    renderer()


def _print(item: tuple[str, str]) -> tuple[str, bytes]:
    name, html = item
    return name, renderer().render(html)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def print_many(
    items: Iterable[tuple[str, str]], *, count: int, workers: int | None = None
) -> Iterator[tuple[str, bytes]]:
    """(filename, html) → (filename, pdf), in order."""
    workers = workers or default_workers()
    if count < POOL_THRESHOLD or workers == 1:
        for item in items:
            yield _print(item)
        return
    context = multiprocessing.get_context("spawn")
    window = workers * 4  # documents in flight: bounded, so memory does not grow with the batch
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_up) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(_print, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def zip_pdfs(
    items: Iterable[tuple[str, str]],
    *,
    count: int,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (name, pdf) in enumerate(print_many(items, count=count, workers=workers), start=1):
            archive.writestr(name, pdf)
            if progress is not None:
                progress(index, count)
    return buffer.getvalue()
