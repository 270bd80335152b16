"""Properties, units, leases and the rent schedule."""
