"""Run in a separate process by test_numbering_db: take numbers or issue documents, print JSON."""

from __future__ import annotations

import json
import sys
from datetime import date

from homecrm.billing import numbering
from homecrm.billing.documents import issue_document
from homecrm.store import make_engine, make_session_factory, write_session
from tests.factories import ACTOR


def main() -> None:
    url, mode, *args = sys.argv[1:]
    factory = make_session_factory(make_engine(url))
    out = []
    if mode == "take":
        for _ in range(int(args[0])):
            with write_session(factory) as session:
                out.append(numbering.take_next(session, "receipts", "2026"))
    else:
        for doc_id in args:
            with write_session(factory) as session:
                out.append(issue_document(session, document_id=int(doc_id), on=date(2026, 3, 1), actor=ACTOR).number)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
