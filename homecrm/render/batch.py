"""Many PDFs at once: HTML built here, PDFs printed by worker processes.

Only HTML strings and PDF bytes cross process boundaries. Each worker builds its WeasyPrint
fonts and stylesheet once and reuses them; at most ``window`` documents are in flight, so memory
stays flat whatever the batch size, and results come back in order to be streamed into the ZIP.
Small batches are printed in this process: starting workers costs more than it saves below
``POOL_THRESHOLD`` documents.
"""

from __future__ import annotations

import io
import os
import queue
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator

from homecrm.render.pdf import renderer
from homecrm.render.worker import read_frame, write_frame

POOL_THRESHOLD = 24


class PdfWorkerError(RuntimeError):
    """A worker could not print a document (the batch stops; nothing is half-written)."""


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def _serve(process: subprocess.Popen, tasks: queue.Queue, results: dict, done: threading.Condition) -> None:
    """Feed one worker process one document at a time (so pipes never fill up both ways)."""
    while (task := tasks.get()) is not None:
        index, item = task
        try:
            write_frame(process.stdin, item)
            answer = read_frame(process.stdout)
        except OSError as exc:
            answer = ("error", item[0], f"worker died: {exc}")
        if answer is None:
            answer = ("error", item[0], f"worker exited with code {process.poll()}")
        with done:
            results[index] = answer
            done.notify_all()


def print_many(
    items: Iterable[tuple[str, str]], *, count: int, workers: int | None = None
) -> Iterator[tuple[str, bytes]]:
    """(filename, html) → (filename, pdf), in order."""
    workers = min(workers or default_workers(), max(count, 1))
    if count < POOL_THRESHOLD or workers == 1:
        for name, html in items:
            yield name, renderer().render(html, remember=False)
        return
    tasks: queue.Queue = queue.Queue()
    results: dict[int, tuple] = {}
    done = threading.Condition()
    processes = [
        subprocess.Popen([sys.executable, "-m", "homecrm.render.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in range(workers)
    ]
    threads = [threading.Thread(target=_serve, args=(p, tasks, results, done), daemon=True) for p in processes]
    for thread in threads:
        thread.start()
    window = workers * 3
    iterator = iter(items)
    produced = yielded = 0
    try:
        while True:
            while produced - yielded < window and (item := next(iterator, None)) is not None:
                tasks.put((produced, item))
                produced += 1
            if yielded == produced:
                break
            with done:
                done.wait_for(lambda: yielded in results)
                status, name, payload = results.pop(yielded)
            if status != "ok":
                raise PdfWorkerError(f"{name}: {payload}")
            yielded += 1
            yield name, payload
    finally:
        for _ in threads:
            tasks.put(None)
        for process in processes:
            try:
                process.stdin.close()
            except OSError:
                pass
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            process.stdout.close()


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
