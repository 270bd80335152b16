"""The calendar: everything that falls due (rent, leases, tasks, credit notes, reminders), its
staff reminders, and an iCalendar export."""
