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
    CreditNote,
    CustomerCredit,
    StripeEvent,
    StripePaymentLink,
    LINE_KINDS,
    PAYMENT_MODES,
    PAYMENT_STATUSES,
    NumberCounter,
    Payment,
    RentDocument,
    RentDocumentLine,
    Tax,
)
from homecrm.store.models.customers import Contact, Customer
from homecrm.store.models.leasing import Lease, Property, Unit
from homecrm.store.models.messages import MessageLog
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
    "Contact",
    "CreditNote",
    "CustomerCredit",
    "StripeEvent",
    "StripePaymentLink",
    "Customer",
    "Lease",
    "MessageLog",
    "NumberCounter",
    "Payment",
    "Property",
    "RentDocument",
    "RentDocumentLine",
    "Setting",
    "Tax",
    "Unit",
]
