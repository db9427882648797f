"""``manage.py import_directory FILE [--dry-run] [--actor EMAIL]``: import the directory from a
CSV or XLSX file, print the row report and exit non-zero when the file is broken or the import
failed."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError
from directory import importing
from directory.models import ImportJob


class Command(BaseCommand):
    help = "Importe l'annuaire depuis un tableur CSV ou XLSX (essai à blanc avec --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Fichier .xlsx ou .csv")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Montrer ce qui changerait, sans rien enregistrer.",
        )
        parser.add_argument(
            "--actor", metavar="EMAIL", help="Compte auquel attribuer l'import dans le journal."
        )
        parser.add_argument(
            "--kind",
            choices=importing.Kind.values,
            default="",
            help="Contenu d'un fichier CSV.",
        )
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="Importer les lignes valides et ignorer les lignes rejetées.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(_("Aucun compte pour l'adresse %(email)s.") % {"email": options["actor"]})
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        try:
            with path.open("rb") as handle:
                job = importing.store_import(
                    uploaded_file=File(handle, name=path.name),
                    actor=actor,
                    dry_run=options["dry_run"],
                    kind=options["kind"],
                    skip_rejected=options["skip_rejected"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        job = importing.run_import(job=job)
        self._print(job)
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.error)

    def _print(self, job: ImportJob) -> None:
        for row in importing.report_rows(job, "rejected"):
            self.stdout.write(
                _("%(sheet)s, ligne %(row)s (%(key)s) : %(reason)s")
                % {"sheet": row["sheet"], "row": row["row"], "key": row["key"], "reason": row["reason"]}
            )
        counts = importing.report_counts(job)
        template = (
            _(
                "Essai à blanc de %(file)s : %(created)d créations, %(updated)d mises à jour, "
                "%(unchanged)d sans changement, %(rejected)d rejets."
            )
            if job.dry_run
            else _(
                "Import de %(file)s : %(created)d créations, %(updated)d mises à jour, "
                "%(unchanged)d sans changement, %(rejected)d rejets."
            )
        )
        summary = template % {"file": job.original_name, **counts}
        self.stdout.write(self.style.SUCCESS(summary) if job.status == ImportJob.Status.DONE else summary)
