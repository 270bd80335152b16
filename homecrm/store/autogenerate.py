"""Write a new Alembic migration from the models: ``make migration MSG="…"``.

Builds a scratch SQLite database at the current head, compares it with the models and writes
the difference as the next numbered revision (0002_…, 0003_…).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from homecrm.store.migrate import MIGRATIONS_DIR, alembic_config, upgrade_database


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
        upgrade_database(url)
        cfg = alembic_config(url)
        head = ScriptDirectory.from_config(cfg).get_current_head()
        next_id = f"{int(head) + 1:04d}" if head and head.isdigit() else None
        command.revision(cfg, message=message, autogenerate=True, rev_id=next_id)
    for path in (MIGRATIONS_DIR / "versions").glob(f"{next_id}_*.py"):
        text = re.sub(r"^Create Date: .*$", "Create Date: (generated)", path.read_text(), flags=re.M)
        path.write_text(text)
        print(path)


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
