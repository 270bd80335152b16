"""All ORM models; importing this module registers every table on ``Base.metadata``."""

from homecrm.store.models.accounts import (
    AuditEntry,
    Department,
    LoginAttempt,
    Role,
    RolePermission,
    StaffUser,
    staff_department,
)
from homecrm.store.models.billing import (
    DOCUMENT_STATES,
    LINE_KINDS,
    PAYMENT_MODES,
    PAYMENT_STATUSES,
    CreditNote,
    CustomerCredit,
    NumberCounter,
    Payment,
    RentDocument,
    RentDocumentLine,
    StripeEvent,
    StripePaymentLink,
    Tax,
)
from homecrm.store.models.candidates import (
    Candidate,
    CandidateSource,
    CandidateStatus,
    CandidateStatusChange,
    Tag,
    Tagging,
)
from homecrm.store.models.customers import Contact, Customer
from homecrm.store.models.leasing import Lease, Property, Unit
from homecrm.store.models.messages import MessageLog
from homecrm.store.models.once import IdempotencyKey
from homecrm.store.models.settings import Asset, Setting

__all__ = [
    "AuditEntry",
    "Department",
    "LoginAttempt",
    "Role",
    "RolePermission",
    "StaffUser",
    "staff_department",
    "DOCUMENT_STATES",
    "LINE_KINDS",
    "PAYMENT_MODES",
    "PAYMENT_STATUSES",
    "Asset",
    "Candidate",
    "CandidateSource",
    "CandidateStatus",
    "CandidateStatusChange",
    "Contact",
    "CreditNote",
    "CustomerCredit",
    "StripeEvent",
    "StripePaymentLink",
    "Customer",
    "IdempotencyKey",
    "Lease",
    "MessageLog",
    "NumberCounter",
    "Payment",
    "Property",
    "RentDocument",
    "RentDocumentLine",
    "Setting",
    "Tag",
    "Tagging",
    "Tax",
    "Unit",
]
