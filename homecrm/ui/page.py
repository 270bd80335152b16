"""Start of every page: the run's language and the signed-in user, with the page's right checked.

Pages also run alone (AppTest), so they never rely on app.py having run first.
"""

from __future__ import annotations

import sys

from homecrm.security.principal import Principal
from homecrm.ui.auth import current_actor, guard
from homecrm.ui.feedback import forget_errors_on_page_change
from homecrm.ui.shell import apply_language


def page_setup(module: str | None = None, right: str = "view_own", *, admin: bool = False,
               also: tuple[tuple[str, str], ...] = ()) -> Principal:
    apply_language()
    forget_errors_on_page_change(sys._getframe(1).f_code.co_filename)  # the page that called us
    actor = guard(current_actor(), module, right, admin=admin)
    for extra_module, extra_right in also:
        guard(actor, extra_module, extra_right)
    return actor
