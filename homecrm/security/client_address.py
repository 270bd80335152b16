"""The address a sign-in attempt comes from, for the per-address lockout.

Streamlit reports no address for a connection from this machine, and behind the reverse proxy the
README describes every connection comes from this machine. So: a connection from the loopback
trusts the proxy's ``X-Forwarded-For`` and takes the address the proxy appended (the rightmost one
that is not itself a loopback address — a client cannot forge it, as whatever it sends comes
before); without that header it is the local machine ("127.0.0.1"). A connection from anywhere
else is taken as it is, and its ``X-Forwarded-For`` ignored (anyone could send one).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

LOCAL = "127.0.0.1"


def _is_loopback(address: str | None) -> bool:
    if not address:
        return True  # Streamlit gives no address for localhost
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return address.strip().lower() == "localhost"


def client_address(peer: str | None, headers: Mapping[str, str] | None = None) -> str:
    """The client's address from the connection's peer address and the request headers."""
    if not _is_loopback(peer):
        return peer.strip()
    forwarded = ""
    for key, value in (headers or {}).items():
        if key.lower() == "x-forwarded-for":
            forwarded = value
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if _is_loopback(hop):
            continue
        try:
            return str(ipaddress.ip_address(hop.strip("[]")))
        except ValueError:
            break  # garbage where the proxy writes an address: do not trust the header
    return LOCAL
