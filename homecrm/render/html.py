"""The Jinja2 environment of documents: autoescaped, strict, translated through ``_()``."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from homecrm.i18n import gettext, ngettext


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("homecrm.render", "templates"),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["_"] = gettext
    env.globals["ngettext"] = ngettext
    return env


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
