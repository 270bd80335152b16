"""Customers (tenants) and contacts; later candidates, tasks, tickets, tags, calendar events."""
