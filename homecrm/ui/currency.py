"""Totals are only added up within one currency: a picker when the leases use more than one."""

from __future__ import annotations

import streamlit as st

from homecrm.billing.reports import currencies_in_use
from homecrm.i18n import _
from homecrm.ui.choice import keep_choice
from homecrm.ui.db import read


def currency_choice(key: str, container=None) -> str:
    """The currency the page's totals are in; no widget when every lease is in the same one."""
    currencies = read(currencies_in_use)
    if len(currencies) == 1:
        return currencies[0]
    keep_choice(key, currencies)
    place = container if container is not None else st
    return place.selectbox(_("Currency"), currencies, key=key,
                           help=_("Amounts in different currencies are never added together."))
