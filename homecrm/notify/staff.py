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
from homecrm.notify.smtp import Attachment as MailFile
from homecrm.notify.smtp import SmtpError, build_message, send_email
from homecrm.settings import load_section
from homecrm.settings.sections import SmtpSettings
from homecrm.store.engine import write_session
from homecrm.store.models import Attachment, MessageLog


def email_configured(session: Session) -> bool:
    smtp = load_section(session, SmtpSettings)
    return bool(smtp.host and smtp.sender_email)


def queue_staff_email(session: Session, *, kind: str, to: list[str], subject: str, body: str,
                      created_by_id: int | None = None, files_of: tuple[str, int] | None = None) -> list[MessageLog]:
    """One queued message per recipient (duplicates and empty addresses dropped).

    ``files_of`` (entity, id): the files attached to that record go with the message.
    """
    if not email_configured(session):
        return []
    names = ", ".join(a.filename for a in _files(session, files_of))[:255] if files_of else ""
    entries = []
    for address in dict.fromkeys(a.strip().lower() for a in to if a and a.strip()):
        entry = MessageLog(channel="email", kind=kind, recipient=address, subject=subject[:300], body=body,
                           status="queued", created_by_id=created_by_id, attachment=names,
                           files_entity=files_of[0] if files_of else None,
                           files_entity_id=files_of[1] if files_of else None)
        session.add(entry)
        entries.append(entry)
    session.flush()
    return entries


def _files(session: Session, files_of: tuple[str | None, int | None]) -> list[Attachment]:
    entity, entity_id = files_of
    if entity is None or entity_id is None:
        return []
    return list(session.scalars(select(Attachment).where(Attachment.entity == entity, Attachment.entity_id == entity_id)
                                .order_by(Attachment.id)))


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
            files = [MailFile(a.filename, a.data, a.mime)
                     for a in _files(session, (entry.files_entity, entry.files_entity_id))]
        try:
            result = send_email(settings, build_message(settings, to=[recipient], subject=subject, body=body,
                                                        attachments=files))
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
