"""Every settings section; importing this package registers them."""

from homecrm.settings.sections.calendar import CalendarSettings, CalendarStyleSettings
from homecrm.settings.sections.candidates import CandidateSettings
from homecrm.settings.sections.clients import ClientSettings
from homecrm.settings.sections.company import CompanySettings
from homecrm.settings.sections.credit_notes import CreditNoteSettings
from homecrm.settings.sections.finance import FinanceSettings
from homecrm.settings.sections.gateways import BankTransferSettings, StripeSettings
from homecrm.settings.sections.general import GeneralSettings
from homecrm.settings.sections.localization import LocalizationSettings
from homecrm.settings.sections.messaging import (
    EmailTemplateSettings,
    ReminderSettings,
    SmsGatewaySettings,
    SmsTriggerSettings,
)
from homecrm.settings.sections.pdf import PdfFormatSettings, PdfSettings, PdfSignatureSettings
from homecrm.settings.sections.receipts import ReceiptSettings
from homecrm.settings.sections.security import SecuritySettings, SystemSettings
from homecrm.settings.sections.smtp import SmtpSettings
from homecrm.settings.sections.support import SupportSettings
from homecrm.settings.sections.tasks import TaskSettings

__all__ = [
    "CalendarSettings",
    "CalendarStyleSettings",
    "SupportSettings",
    "TaskSettings",
    "BankTransferSettings",
    "CandidateSettings",
    "ClientSettings",
    "EmailTemplateSettings",
    "ReminderSettings",
    "SmsGatewaySettings",
    "SmsTriggerSettings",
    "CompanySettings",
    "CreditNoteSettings",
    "FinanceSettings",
    "GeneralSettings",
    "LocalizationSettings",
    "PdfFormatSettings",
    "PdfSettings",
    "PdfSignatureSettings",
    "ReceiptSettings",
    "SecuritySettings",
    "SmtpSettings",
    "StripeSettings",
    "SystemSettings",
]
