"""``manage.py send_review_reminders``: the daily reminders of evaluation campaigns.

Run once a day by cron, e.g. ``0 8 * * * manage.py send_review_reminders --base-url
https://reseau.canceropole-idf.fr``. It e-mails every reviewer whose reviews are not all
submitted when a campaign's review deadline is within its ``reminder_days``, and every person
who has not answered their invitation; nobody gets more than one reminder a day, so running it
twice is harmless.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evaluation.services.campaigns import send_review_reminders


class Command(BaseCommand):
    help = "Relance les évaluateur·rices avant la date limite des évaluations (à lancer chaque jour)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="Adresse du site pour les liens des e-mails (par défaut : CANCEROPOLE_SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_review_reminders(base_url=options["base_url"])
        self.stdout.write(self.style.SUCCESS(f"{sent} relance(s) envoyée(s)."))
