"""Tasks (with checklist, comments, timers) and support tickets (with replies), property teams,
and file attachments shared by both."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Index, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecrm.store.base import Base
from homecrm.store.models.accounts import StaffUser
from homecrm.store.types import Money, UTCDateTime, utcnow

PRIORITIES = ("low", "medium", "high", "urgent")
RELATED_KINDS = ("property", "lease", "tenant", "candidate")

# The staff working on a property ("projet" in the spec): they see its tasks.
property_member = Table(
    "property_member",
    Base.metadata,
    Column("property_id", ForeignKey("property.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)
task_assignee = Table(
    "task_assignee",
    Base.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)
task_follower = Table(
    "task_follower",
    Base.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)


class TaskStatus(Base):
    """A column of the tasks board. ``kind``: todo, in_progress, waiting or done."""

    __tablename__ = "task_status"
    __table_args__ = (CheckConstraint("kind IN ('todo', 'in_progress', 'waiting', 'done')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#1f4e79")
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(12), default="todo")


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name="priority"),
        CheckConstraint("related_kind IS NULL OR related_kind IN ('property', 'lease', 'tenant', 'candidate')",
                        name="related_kind"),
        Index("ix_task_status_due", "status_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status_id: Mapped[int] = mapped_column(ForeignKey("task_status.id"))
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # What the task is about; property_id is also set for a lease (its unit's property) so the
    # property's team sees it.
    related_kind: Mapped[str | None] = mapped_column(String(12), nullable=True)
    related_id: Mapped[int | None] = mapped_column(nullable=True)
    property_id: Mapped[int | None] = mapped_column(ForeignKey("property.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    hourly_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    status: Mapped[TaskStatus] = relationship()
    assignees: Mapped[list[StaffUser]] = relationship(secondary=task_assignee, order_by="StaffUser.name")
    followers: Mapped[list[StaffUser]] = relationship(secondary=task_follower, order_by="StaffUser.name")
    checklist: Mapped[list[ChecklistItem]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                          order_by="ChecklistItem.position, ChecklistItem.id")
    comments: Mapped[list[TaskComment]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                       order_by="TaskComment.id")
    time_entries: Mapped[list[TimeEntry]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                         order_by="TimeEntry.started_at")


class ChecklistItem(Base):
    __tablename__ = "task_checklist_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)

    task: Mapped[Task] = relationship(back_populates="checklist")


class TaskComment(Base):
    __tablename__ = "task_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    task: Mapped[Task] = relationship(back_populates="comments")
    author: Mapped[StaffUser | None] = relationship()


class TimeEntry(Base):
    """Time on a task: running while ``ended_at`` is empty; ``minutes`` is the rounded duration."""

    __tablename__ = "time_entry"
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes > 0", name="positive"),
        Index("ix_time_entry_user_running", "user_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    minutes: Mapped[int | None] = mapped_column(nullable=True)
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    # Set when the time was put on a rent document line; freed if that draft line is removed.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("rent_document_line.id", ondelete="SET NULL"), nullable=True)

    task: Mapped[Task] = relationship(back_populates="time_entries")
    user: Mapped[StaffUser] = relationship()


class TicketStatus(Base):
    """``kind``: open, in_progress, answered, on_hold or closed."""

    __tablename__ = "ticket_status"
    __table_args__ = (CheckConstraint("kind IN ('open', 'in_progress', 'answered', 'on_hold', 'closed')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#1f4e79")
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(12), default="open")


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name="priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), nullable=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"), nullable=True,
                                                      index=True)
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    status_id: Mapped[int] = mapped_column(ForeignKey("ticket_status.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True,
                                                       index=True)
    property_id: Mapped[int | None] = mapped_column(ForeignKey("property.id", ondelete="SET NULL"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    status: Mapped[TicketStatus] = relationship()
    replies: Mapped[list[TicketReply]] = relationship(back_populates="ticket", cascade="all, delete-orphan",
                                                      order_by="TicketReply.id")


class TicketReply(Base):
    """A message of the thread: from staff (``author_id``) or from the tenant (``from_customer``)."""

    __tablename__ = "ticket_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    from_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="replies")
    author: Mapped[StaffUser | None] = relationship()


class Attachment(Base):
    """A file attached to a task, a ticket or a ticket reply (``entity`` + ``entity_id``)."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint("entity IN ('task', 'ticket', 'ticket_reply')", name="entity"),
        Index("ix_attachment_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarReminder(Base):
    """A reminder on the calendar: all-day (``start_date``…``end_date``) or at a time (``at``, UTC).

    ``staff_id`` is told by e-mail when ``notify_email`` and the e-mail module is configured;
    ``related_kind``/``related_id`` link it to a candidate, tenant, task, property or lease.
    """

    __tablename__ = "calendar_reminder"
    __table_args__ = (
        CheckConstraint("related_kind IS NULL OR related_kind IN ('candidate', 'tenant', 'task', 'property', 'lease')",
                        name="related_kind"),
        CheckConstraint("all_day OR at IS NOT NULL", name="timed_has_time"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(500))
    all_day: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    related_kind: Mapped[str | None] = mapped_column(String(12), nullable=True)
    related_id: Mapped[int | None] = mapped_column(nullable=True)
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffUser | None] = relationship(foreign_keys=[staff_id])
