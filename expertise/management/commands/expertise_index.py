"""``manage.py expertise_index [--full] [--quiet]``: compute and store the publication vectors.

Computes the vectors of indexed publications that have none or whose text changed (``--full``:
all of them again), saving each chunk as it finishes, so an interrupted run resumes where it
stopped. Prints progress with the rate and the time left; the search page shows it too.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from expertise.selectors import get_engine
from expertise.services import rebuild_index


class Command(BaseCommand):
    help = _("Calcule et enregistre les vecteurs des publications pour la recherche d'experts.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--full", action="store_true", help=_("Tout recalculer."))
        parser.add_argument("--quiet", action="store_true", help=_("Sans affichage de la progression."))

    def handle(self, *args: Any, full: bool, quiet: bool, **options: Any) -> None:
        started = time.perf_counter()
        method = get_engine().method
        self.stdout.write(_("Méthode : %(method)s") % {"method": method})

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            elapsed = time.perf_counter() - started
            rate = done / elapsed if elapsed else 0.0
            left = (total - done) / rate if rate else 0.0
            self.stdout.write(
                _("%(done)d / %(total)d publications (%(rate).1f/s, encore ~%(left)d s)")
                % {"done": done, "total": total, "rate": rate, "left": left}
            )
            self.stdout.flush()

        computed = rebuild_index(progress=progress, full=full)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)d vecteurs calculés en %(s).1f s.")
                % {"n": computed, "s": time.perf_counter() - started}
            )
        )
