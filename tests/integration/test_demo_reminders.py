"""Done-when of the e-mail/SMS issue, on the demo data: dry run, real run with PDFs, second run."""

import email
from email import policy

from homecrm.cli import main
from homecrm.settings import save_section
from homecrm.settings.sections import ReminderSettings, SmtpSettings
from tests.factories import ACTOR
from tests.smtp_server import start_server


def test_demo_dry_run_real_run_and_nothing_twice(demo_db, capsys):
    controller, mailbox = start_server()
    try:
        with demo_db.write() as session:
            save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                                 "sender_email": "gestion@les-tilleuls.example.fr"}, actor=ACTOR)
            save_section(session, ReminderSettings, {"due_notice_email": True, "overdue_email": True}, actor=ACTOR)
        when = "2026-03-12T10:00:00+01:00"  # the demo's today: March not paid by everyone yet
        assert main(["reminders", "run", "--dry-run", "--now", when]) == 0
        plan = capsys.readouterr().out.splitlines()
        overdue = [line for line in plan[1:] if "Relance" in line and "email" in line]
        assert overdue, plan
        assert mailbox.messages == []
        assert main(["reminders", "run", "--now", when]) == 0
        out = capsys.readouterr().out
        sent = len(mailbox.messages)
        assert sent == len([line for line in plan[1:] if "email" in line and "ignoré" not in line and "attend" not in line])
        message = email.message_from_bytes(mailbox.messages[0].data, policy=policy.default)
        attachment = next(message.iter_attachments())
        assert attachment.get_filename().endswith(".pdf") and attachment.get_content().startswith(b"%PDF")
        assert main(["reminders", "run", "--now", when]) == 0
        assert len(mailbox.messages) == sent
        assert "0 envoyé" in capsys.readouterr().out or "0 sent" in out
    finally:
        controller.stop()
