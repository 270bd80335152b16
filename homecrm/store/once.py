"""``claim_once``: take a key that may be taken only once, in the caller's transaction.

The key is inserted under a unique constraint inside a savepoint: a second claim (a double click,
a payment arriving by webhook and by polling at the same time, on SQLite or PostgreSQL) fails
there and the caller is told, without disturbing the rest of its transaction. A claim made by a
transaction that is rolled back disappears with it, so the action can be tried again.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from homecrm.store.models import IdempotencyKey


def claim_once(session: Session, key: str) -> bool:
    """True the first time ``key`` is claimed, False ever after."""
    try:
        with session.begin_nested():
            session.add(IdempotencyKey(key=key[:150]))
            session.flush()
    except IntegrityError:
        return False
    return True
