"""E-mails to staff (ticket notifications): queued with the change, sent after it is committed.

A service queues messages in the message log (status "queued") inside its own transaction, so a
rolled-back change notifies nobody; ``deliver_queued`` then sends them one by one, each claimed
first ("sending") so two processes never send the same one. Nothing is queued while e-mail is not
configured (Paramètres > SMTP): notifications go through the e-mail module only when it exists.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from homecrm import clock
from homecrm.notify.smtp import SmtpError, build_message, send_email
from homecrm.settings import load_section
from homecrm.settings.sections import SmtpSettings
from homecrm.store.engine import write_session
from homecrm.store.models import MessageLog


def email_configured(session: Session) -> bool:
    smtp = load_section(session, SmtpSettings)
    return bool(smtp.host and smtp.sender_email)


def queue_staff_email(session: Session, *, kind: str, to: list[str], subject: str, body: str,
                      created_by_id: int | None = None) -> list[MessageLog]:
    """One queued message per recipient (duplicates and empty addresses dropped)."""
    if not email_configured(session):
        return []
    entries = []
    for address in dict.fromkeys(a.strip().lower() for a in to if a and a.strip()):
        entry = MessageLog(channel="email", kind=kind, recipient=address, subject=subject[:300], body=body,
                           status="queued", created_by_id=created_by_id)
        session.add(entry)
        entries.append(entry)
    session.flush()
    return entries


def deliver_queued(factory: sessionmaker[Session], *, limit: int = 100) -> tuple[int, int]:
    """Send queued staff e-mails; returns (sent, failed). Safe to call from several processes."""
    sent = failed = 0
    with write_session(factory) as session:
        ids = list(session.scalars(select(MessageLog.id).where(MessageLog.status == "queued")
                                   .order_by(MessageLog.id).limit(limit)))
    for message_id in ids:
        with write_session(factory) as session:
            claimed = session.execute(update(MessageLog).where(MessageLog.id == message_id,
                                                               MessageLog.status == "queued")
                                      .values(status="sending", attempts=MessageLog.attempts + 1)).rowcount
            if not claimed:
                continue
            entry = session.get(MessageLog, message_id)
            settings = load_section(session, SmtpSettings)
            recipient, subject, body = entry.recipient, entry.subject, entry.body
        try:
            result = send_email(settings, build_message(settings, to=[recipient], subject=subject, body=body))
        except SmtpError as exc:
            with write_session(factory) as session:
                session.execute(update(MessageLog).where(MessageLog.id == message_id)
                                .values(status="failed", result=str(exc)[:500]))
            failed += 1
            continue
        with write_session(factory) as session:
            session.execute(update(MessageLog).where(MessageLog.id == message_id).values(
                status="sent", provider_id=result.message_id, result=result.response[:500], sent_at=clock.now()))
        sent += 1
    return sent, failed
