"""Command groups of the ``homecrm`` CLI added by later modules (candidates, tasks, calendar…).

Each module registers its group on ``homecrm.cli.cli``; ``homecrm.cli`` imports them all.
"""

from homecrm.commands import calendar, leads, work  # noqa: F401
