"""A PDF worker process: ``python -m homecrm.render.worker``.

Reads length-prefixed pickled ``(name, html)`` items on stdin, answers each with a pickled
``("ok", name, pdf_bytes)`` or ``("error", name, message)`` on stdout. Plain subprocesses, not
``multiprocessing``: under Streamlit (and AppTest) ``__main__`` is the page being run, and a
spawned child would execute that page again before doing any work.
"""

from __future__ import annotations

import pickle
import struct
import sys
from typing import BinaryIO

_HEADER = struct.Struct(">Q")


def write_frame(stream: BinaryIO, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> object | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # noqa: S301 - frames come from our own parent process


def main() -> None:
    from homecrm.render.pdf import renderer

    renderer()  # fonts and stylesheet once per process
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (item := read_frame(stdin)) is not None:
        name, html = item
        try:
            write_frame(stdout, ("ok", name, renderer().render(html, remember=False)))
        except Exception as exc:  # reported to the parent, which stops the batch
            write_frame(stdout, ("error", name, f"{type(exc).__name__}: {exc}"))


if __name__ == "__main__":
    main()
