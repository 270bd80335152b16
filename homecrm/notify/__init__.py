"""Notifications: e-mail over SMTP (later SMS through Twilio and the reminder engine)."""
