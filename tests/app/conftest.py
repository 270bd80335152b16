"""AppTest helpers: pages run for real against the test database (HOMECRM_DATABASE_URL).

``page(path)`` opens a page signed in as an administrator (created on an empty database);
``page(path, user=None)`` opens it signed out; ``page(path, user=email)`` as that account.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from homecrm.security.accounts import create_admin
from homecrm.store.models import StaffUser

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "admin@test.fr"
PASSWORD = "correct horse battery"
_ADMIN = object()


def _database(request):
    for name in ("demo_db", "db"):
        if name in request.fixturenames:
            return request.getfixturevalue(name)
    return None


@pytest.fixture
def page(request):
    database = _database(request)

    def user_id(email):
        with database.write() as session:
            if email is _ADMIN:
                admin = session.scalar(
                    select(StaffUser).where(StaffUser.is_admin.is_(True), StaffUser.active.is_(True)).order_by(StaffUser.id)
                )
                if admin is None:
                    admin = create_admin(session, email=ADMIN_EMAIL, name="Admin Test", password=PASSWORD)
                return admin.id
            return session.scalar(select(StaffUser.id).where(func.lower(StaffUser.email) == email.lower()))

    def load(path: str, *, user=_ADMIN, **session_state) -> AppTest:
        at = AppTest.from_file(str(ROOT / path), default_timeout=60)
        if user is not None and database is not None:
            at.session_state["auth.user_id"] = user_id(user)
        for key, value in session_state.items():
            at.session_state[key] = value
        return at.run()

    return load


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def plain(text: str) -> str:
    """A message as the user reads it (Markdown escapes removed)."""
    import re

    return re.sub(r"\\(.)", r"\1", text)


def dialog_blocks(at: AppTest) -> list:
    """The open dialogs' blocks (AppTest has no accessor of its own for st.dialog)."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and type(proto).__name__ == "Block" and proto.WhichOneof("type") == "dialog":
            found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found
