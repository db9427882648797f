"""``manage.py seed_calls``: load the demo calls (run after ``seed_demo`` to get past applications)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from calls import demo
from core.errors import DomainError


class Command(BaseCommand):
    help = "Charge les appels à projets de démonstration (six appels, dont un clos avec des candidatures)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = demo.seed_calls()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['calls']} appels ({counts['programmes']} programmes) et {counts['applications']} candidatures chargés."
            )
        )
