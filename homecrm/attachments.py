"""Files attached to tasks, tickets and ticket replies, stored in the database.

Limits come from Paramètres > Support: a size limit, an allow-list of extensions (programs and web
pages always refused, whatever their name says), and a maximum count per ticket (its replies
included). A refused file is refused whole, with the reason; nothing is stored.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecrm.errors import NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.security.principal import PermissionDenied, Principal
from homecrm.settings import load_section
from homecrm.settings.sections import SupportSettings
from homecrm.settings.sections.support import BLOCKED_EXTENSIONS
from homecrm.store.models import Attachment, TicketReply

# Content that runs whatever the extension: Windows/Linux/macOS executables, scripts, HTML.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"#!")
_MARKUP = (b"<!doctype html", b"<html", b"<script", b"<svg")


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    size: int
    mime: str
    created_at: datetime
    uploaded_by_id: int | None


def _clean_name(filename: str) -> str:
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip().replace("\x00", "")
    if not name or name in (".", ".."):
        raise ValidationError(_("The file has no name."), field="file")
    return name[-255:]


def check_file(settings: SupportSettings, filename: str, data: bytes) -> tuple[str, str]:
    """The cleaned file name and its type, or ValidationError saying why the file is refused."""
    name = _clean_name(filename)
    ext = PurePosixPath(name.lower()).suffix
    if not data:
        raise ValidationError(_("{name} is empty.").format(name=name), field="file")
    limit = settings.max_attachment_mb * 1024 * 1024
    if len(data) > limit:
        raise ValidationError(_("{name} is too large ({size} MB): at most {limit} MB.").format(
            name=name, size=round(len(data) / 1024 / 1024, 1), limit=settings.max_attachment_mb), field="file")
    if ext in BLOCKED_EXTENSIONS or ext not in settings.extensions():
        raise ValidationError(_("{name}: this type of file is not accepted (allowed: {allowed}).").format(
            name=name, allowed=" ".join(settings.extensions())), field="file")
    head = data[:512].lstrip().lower()
    if data.startswith(_EXECUTABLE_MAGIC) or head.startswith(_MARKUP):
        raise ValidationError(_("{name} contains a program or a web page, which is never accepted.").format(name=name),
                              field="file")
    return name, mimetypes.guess_type(name)[0] or "application/octet-stream"


def ticket_attachment_count(session: Session, ticket_id: int) -> int:
    reply_ids = select(TicketReply.id).where(TicketReply.ticket_id == ticket_id)
    return session.scalar(select(func.count(Attachment.id)).where(
        ((Attachment.entity == "ticket") & (Attachment.entity_id == ticket_id))
        | ((Attachment.entity == "ticket_reply") & Attachment.entity_id.in_(reply_ids)))) or 0


def store(session: Session, *, actor: Principal, entity: str, entity_id: int, files: list[tuple[str, bytes]],
          ticket_id: int | None = None) -> list[Attachment]:
    """Check every file first, then store them all (or none). The caller checked the right to the record."""
    settings = load_section(session, SupportSettings)
    checked = [(*check_file(settings, name, data), data) for name, data in files]
    if ticket_id is not None and checked:
        used = ticket_attachment_count(session, ticket_id)
        if used + len(checked) > settings.max_attachments:
            raise ValidationError(_("At most {limit} attachments per ticket ({used} already).").format(
                limit=settings.max_attachments, used=used), field="file")
    stored = []
    for name, mime, data in checked:
        item = Attachment(entity=entity, entity_id=entity_id, filename=name, mime=mime, size=len(data), data=data,
                          uploaded_by_id=actor.user_id)
        session.add(item)
        stored.append(item)
    session.flush()
    return stored


def list_for(session: Session, entity: str, entity_ids: list[int]) -> dict[int, list[AttachmentRow]]:
    out: dict[int, list[AttachmentRow]] = {i: [] for i in entity_ids}
    if not entity_ids:
        return out
    rows = session.execute(select(Attachment.id, Attachment.entity_id, Attachment.filename, Attachment.size,
                                  Attachment.mime, Attachment.created_at, Attachment.uploaded_by_id)
                           .where(Attachment.entity == entity, Attachment.entity_id.in_(entity_ids))
                           .order_by(Attachment.id))
    for aid, eid, name, size, mime, created, by in rows:
        out[eid].append(AttachmentRow(aid, name, size, mime, created, by))
    return out


def get(session: Session, attachment_id: int) -> Attachment:
    item = session.get(Attachment, attachment_id)
    if item is None:
        raise NotFoundError(_("Attachment #{id} does not exist.").format(id=attachment_id))
    return item


def remove(session: Session, *, actor: Principal, attachment_id: int) -> None:
    """Delete one file. Tickets: administrators, or staff when the Support setting allows it.
    Tasks: administrators and the person who added it."""
    item = get(session, attachment_id)
    if not actor.is_admin:
        if item.entity in ("ticket", "ticket_reply"):
            if not load_section(session, SupportSettings).staff_delete_attachments:
                raise PermissionDenied(_("Only administrators may delete attachments of tickets (Settings > Support)."))
        elif item.uploaded_by_id != actor.user_id:
            raise PermissionDenied(_("Only the person who added this file or an administrator may delete it."))
    session.delete(item)
    session.flush()
