"""Import jobs: keep the uploaded file privately, then run it in the background, record by record.

Unlike the directory's all-or-nothing spreadsheets, a bibliography is imported record by record:
each record is stored in its own savepoint (``services.import_records``), so a broken record is
reported and the rest of the file still imports. Progress is written on the job row every few
records, outside any record's transaction, so the job page can poll it.
"""

import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput, NotAllowed
from core.services import record_audit
from directory.models import Person, Unit
from outputs import parsers
from outputs.models import PublicationImport
from outputs.services import ACTIONS, REJECTED, import_records

logger = logging.getLogger("canceropole.outputs")

MAX_FILE_BYTES = 50 * 1024 * 1024
PROGRESS_EVERY = 50  # records committed together, after which the progress is written on the job row
MAX_REPORT_ROWS = 5000  # the report keeps every problem, and the first rows of the others
Format = PublicationImport.Format
Status = PublicationImport.Status


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)  # outside the web root, never served


def job_file_path(job: PublicationImport) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / (job.file.name or "")


def _check_size(uploaded_file: Any) -> None:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise InvalidInput(
            _("Le fichier pèse %(size)d Mo : la limite est de %(max)d Mo. Découpez-le en plusieurs fichiers.")
            % {"size": size // (1024 * 1024), "max": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
        )
    if not size:
        raise InvalidInput(_("Le fichier est vide."), field="file")


@transaction.atomic
def create_publication_import(
    *,
    uploaded_file: Any,
    actor: Any,
    format: str = "",
    for_person: Person | None = None,
    for_unit: Unit | None = None,
) -> PublicationImport:
    """Check and keep an upload, record the job, and run it once the transaction commits.

    ``for_person``: a person's own list (they vouch for the author who bears their name);
    ``for_unit``: a list imported by the secretariat for a unit (its members are the likely authors).
    """
    if for_unit is not None and not actor.has_perm("outputs.import_for_unit"):
        raise NotAllowed(_("Seul le secrétariat importe des publications pour une unité."))
    if for_person is not None and not (
        for_person.user_id == actor.pk or actor.has_perm("outputs.import_for_unit")
    ):
        raise NotAllowed(_("Vous ne pouvez importer que votre propre liste de publications."))
    _check_size(uploaded_file)
    uploaded_file.seek(0)
    head = uploaded_file.read(65536)
    uploaded_file.seek(0)
    name = os.path.basename(str(uploaded_file.name))[:255]
    if format and format not in Format.values:
        raise InvalidInput(_("Format inconnu."), field="format")
    format = format or parsers.detect(head, name)
    if not format:
        raise InvalidInput(
            _(
                "Format non reconnu : choisissez-le dans la liste (PubMed XML, MEDLINE, BibTeX, RIS, "
                "HAL JSON, ORCID JSON ou CSV)."
            ),
            field="file",
        )
    extension = os.path.splitext(name)[1].lower()[:10]
    stored = _storage().save(f"publication-imports/{uuid.uuid4().hex}{extension}", uploaded_file)
    job = PublicationImport.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file=stored,
        original_name=name,
        format=format,
        for_person=for_person,
        for_unit=for_unit,
    )
    from outputs.tasks import run_publication_import_task

    transaction.on_commit(lambda: run_publication_import_task.enqueue(job.pk))
    return job


def _save_progress(job: PublicationImport, processed: int) -> None:
    PublicationImport.objects.filter(pk=job.pk).update(processed_records=processed)


def counts_of(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(ACTIONS, 0)
    for row in rows:
        counts[row["action"]] += 1
    return counts


def run_publication_import(*, job: PublicationImport) -> PublicationImport:
    """Run a pending job: parse the file and store its records one by one (see the module)."""
    path = job_file_path(job)
    job.status, job.error, job.processed_records = Status.RUNNING, "", 0
    rows: list[dict[str, Any]] = []
    try:
        job.total_records = parsers.COUNTERS[job.format](path.read_bytes())
        job.save(update_fields=["status", "error", "processed_records", "total_records"])
        with path.open("rb") as stream:
            outcomes = import_records(
                parsers.PARSERS[job.format](stream),
                source=job.format,
                owner=job.for_person,
                unit=job.for_unit,
                on_progress=lambda n: _save_progress(job, n),
                chunk=PROGRESS_EVERY,
            )
        rows = [o.as_row() for o in outcomes]
        job.status = Status.DONE
    except FileNotFoundError:
        job.status, job.error = (
            Status.FAILED,
            _("Le fichier déposé n'est plus disponible : déposez-le à nouveau."),
        )
    except DomainError as exc:  # the file as a whole is unusable
        job.status, job.error = Status.FAILED, exc.message
    except Exception:  # records already stored stay (each one is whole); the rest was not read
        logger.exception("publication import %s failed", job.pk)
        job.status = Status.FAILED
        job.error = _("Erreur inattendue pendant l'import. L'équipe technique a été prévenue.")
    finally:
        path.unlink(missing_ok=True)  # the report keeps what matters; the file holds personal data
    counts = counts_of(rows)
    problems = {i for i, r in enumerate(rows) if r["action"] == REJECTED or r["warnings"]}
    room = max(0, MAX_REPORT_ROWS - len(problems))
    others = [i for i in range(len(rows)) if i not in problems][:room]
    kept = [rows[i] for i in sorted(problems.union(others))]
    job.report = {
        "counts": counts,
        "rows": kept,
        "omitted_rows": len(rows) - len(kept),
        "linked": sum(r["linked"] for r in rows),
        "ambiguous": sum(r["ambiguous"] for r in rows),
        "warnings": sum(1 for r in rows if r["warnings"]),
    }
    job.processed_records = len(rows)
    job.total_records = max(job.total_records, len(rows))
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "processed_records", "total_records", "finished_at"])
    if job.status == Status.DONE:
        record_audit(
            action="outputs.import.completed",
            actor=job.created_by,
            target=job,
            data={
                "file": job.original_name,
                "format": job.format,
                "counts": counts,
                "for_person": job.for_person_id,
                "for_unit": job.for_unit_id,
            },
        )
    return job


def report_rows(job: PublicationImport, action: str = "") -> list[dict[str, Any]]:
    rows = (job.report or {}).get("rows") or []
    if action == "warnings":
        return [r for r in rows if r.get("warnings")]
    return [r for r in rows if r.get("action") == action] if action in ACTIONS else list(rows)


def report_counts(job: PublicationImport) -> dict[str, int]:
    counts = (job.report or {}).get("counts") or {}
    return {action: int(counts.get(action, 0)) for action in ACTIONS}
