"""Import jobs: store the upload, run it (dry or for real) in one transaction, report row by row.

The dry run and the real run execute the same code; the dry run rolls its transaction back at
the end, so what it reports is what the real run will do. The real run is all-or-nothing: a
broken file or an unexpected error rolls everything back and marks the job failed.
"""

import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput, InvalidState
from core.services import record_audit
from directory.importing.lookups import people_refs
from directory.importing.reading import Kind, Workbook, extension_of, read_upload, read_workbook
from directory.importing.rows import CREATED, REJECTED, UNCHANGED, UPDATED, Importer, row_key
from directory.models import ImportJob

logger = logging.getLogger("canceropole.directory")

ACTIONS = (CREATED, UPDATED, UNCHANGED, REJECTED)
PROGRESS_EVERY = 100  # rows between two writes of the progress file


class _RollBack(Exception):
    """Raised inside the import transaction to undo it (dry run, or rejected rows)."""


# --- where files live --------------------------------------------------------------------------


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)  # outside the web root, never served


def job_file_path(job: ImportJob) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / str(job.file.name)


def progress_path(job: ImportJob) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "imports" / f"progress-{job.pk}.json"


class _Progress:
    """Progress in a small JSON file: the import's own transaction hides it from other connections."""

    def __init__(self, job: ImportJob) -> None:
        self.path, self.total, self.done = progress_path(job), job.total_rows, 0
        self.where: tuple[str, int] | None = None  # (sheet, row) being applied

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"processed": self.done, "total": self.total}))
        os.replace(tmp, self.path)

    def step(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.write()

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_progress(job: ImportJob) -> tuple[int, int]:
    """(processed, total) of a job: from the progress file while it runs, else from the job."""
    if job.status == ImportJob.Status.RUNNING:
        try:
            state = json.loads(progress_path(job).read_text())
            return int(state["processed"]), int(state["total"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.processed_rows, job.total_rows


# --- creating jobs ------------------------------------------------------------------------------


def _options(job: ImportJob) -> dict[str, Any]:
    return dict((job.report or {}).get("options") or {})


def _schedule(job: ImportJob) -> None:
    from directory.tasks import run_directory_import

    transaction.on_commit(lambda: run_directory_import.enqueue(job.pk))


@transaction.atomic
def store_import(
    *, uploaded_file: Any, actor: Any, dry_run: bool = True, kind: str = "", skip_rejected: bool = False
) -> ImportJob:
    """Check the file (extension, real content, size, headers), keep it privately, record a job."""
    if kind and kind not in Kind.values:
        raise InvalidInput(_("Type de contenu inconnu."), field="kind")
    data = read_upload(uploaded_file)
    name = os.path.basename(str(uploaded_file.name))
    workbook = read_workbook(data, name, kind)
    stored = _storage().save(f"imports/{uuid.uuid4().hex}{extension_of(name)}", ContentFile(data))
    return ImportJob.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file=stored,
        original_name=name[:255],
        dry_run=dry_run,
        total_rows=workbook.total_rows,
        report={"options": {"kind": kind, "skip_rejected": skip_rejected}},
    )


@transaction.atomic
def create_import_job(
    *, uploaded_file: Any, actor: Any, dry_run: bool = True, kind: str = "", skip_rejected: bool = False
) -> ImportJob:
    """``store_import``, then run it in the background once the transaction commits."""
    job = store_import(
        uploaded_file=uploaded_file, actor=actor, dry_run=dry_run, kind=kind, skip_rejected=skip_rejected
    )
    _schedule(job)
    return job


@transaction.atomic
def create_real_run(*, source: ImportJob, actor: Any, skip_rejected: bool = False) -> ImportJob:
    """Import for real the file of a finished dry run."""
    source = ImportJob.objects.select_for_update().get(pk=source.pk)
    if not source.dry_run or source.status != ImportJob.Status.DONE:
        raise InvalidState(_("Seul un essai à blanc terminé peut être importé pour de bon."))
    if source.runs.filter(status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]).exists():
        raise InvalidState(_("L'import de ce fichier est déjà en cours."))
    if report_counts(source)[REJECTED] and not skip_rejected:
        raise InvalidInput(
            _(
                "L'essai a rejeté des lignes : corrigez le fichier, ou cochez la case pour importer "
                "seulement les lignes valides."
            ),
            field="skip_rejected",
        )
    if not job_file_path(source).is_file():
        raise InvalidState(_("Le fichier de cet essai n'est plus disponible : déposez-le à nouveau."))
    job = ImportJob.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file=source.file.name,
        original_name=source.original_name,
        dry_run=False,
        source=source,
        total_rows=source.total_rows,
        report={"options": {**_options(source), "skip_rejected": skip_rejected}},
    )
    _schedule(job)
    return job


# --- running ---------------------------------------------------------------------------------------


def _apply(workbook: Workbook, importer: Importer, progress: _Progress, rows: list[dict[str, Any]]) -> None:
    for sheet in workbook.sheets:
        for row in sheet.rows:
            entry = {
                "sheet": sheet.name,
                "row": row.number,
                "kind": str(sheet.kind),
                "key": row_key(sheet.kind, row.values),
            }
            importer.dirty, progress.where = False, (sheet.name, row.number)
            try:
                with transaction.atomic():
                    outcome = importer.apply(sheet.kind, row.values, token=len(rows))
            except DomainError as exc:
                entry.update(action=REJECTED, changes=[], reason=exc.message)
                if importer.dirty:  # the row's writes were rolled back: so must the indexes be
                    importer.forget()
            else:
                entry.update(action=outcome.action, changes=outcome.changes, reason=outcome.reason)
            rows.append(entry)
            progress.step()
    progress.where = None
    for index, outcome in importer.finish():
        entry = rows[index]
        if outcome.action == REJECTED:
            entry.update(action=REJECTED, reason=outcome.reason)
        elif outcome.action == UPDATED:
            entry["changes"] = entry["changes"] + outcome.changes
            entry["action"] = CREATED if entry["action"] == CREATED else UPDATED


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(ACTIONS, 0)
    for row in rows:
        counts[row["action"]] += 1
    return counts


def run_import(*, job: ImportJob) -> ImportJob:
    """Run ``job``: every row in one transaction, rolled back for a dry run or on any failure."""
    options = _options(job)
    job.status, job.error, job.processed_rows = ImportJob.Status.RUNNING, "", 0
    job.save(update_fields=["status", "error", "processed_rows"])
    progress = _Progress(job)
    progress.write()
    rows: list[dict[str, Any]] = []
    sheets: list[dict[str, Any]] = []
    ignored_sheets: list[str] = []
    status, error = ImportJob.Status.DONE, ""
    try:
        workbook = read_workbook(job_file_path(job).read_bytes(), job.original_name, options.get("kind", ""))
        sheets = [
            {"name": s.name, "kind": str(s.kind), "rows": len(s.rows), "ignored_columns": s.ignored_columns}
            for s in workbook.sheets
        ]
        ignored_sheets = workbook.ignored_sheets
        progress.total = job.total_rows = workbook.total_rows
        upcoming = people_refs(r.values for s in workbook.sheets if s.kind == Kind.PEOPLE for r in s.rows)
        with transaction.atomic():
            _apply(workbook, Importer(actor=job.created_by, upcoming_people=upcoming), progress, rows)
            counts = _counts(rows)
            if job.dry_run:
                raise _RollBack
            if counts[REJECTED] and not options.get("skip_rejected"):
                error = _(
                    "%(n)d ligne(s) rejetée(s) : rien n'a été importé. Corrigez le fichier, "
                    "ou relancez en cochant « importer les lignes valides »."
                ) % {"n": counts[REJECTED]}
                raise _RollBack
            record_audit(
                action="directory.import.completed",
                actor=job.created_by,
                target=job,
                data={
                    "file": job.original_name,
                    "counts": counts,
                    "source": job.source_id,
                    "skipped_rows": counts[REJECTED],
                },
            )
    except _RollBack:
        status = ImportJob.Status.FAILED if error else ImportJob.Status.DONE
    except FileNotFoundError:
        status, error = (
            ImportJob.Status.FAILED,
            _("Le fichier déposé n'est plus disponible : déposez-le à nouveau."),
        )
    except DomainError as exc:  # a broken file
        status, error = ImportJob.Status.FAILED, exc.message
    except Exception:  # an unexpected error: everything was rolled back
        logger.exception("directory import %s failed at %s", job.pk, progress.where)
        status, rows = ImportJob.Status.FAILED, []
        error = _("Erreur inattendue pendant l'import : rien n'a été enregistré.")
        if progress.where:
            error = _(
                "Erreur inattendue à la ligne %(row)d de « %(sheet)s » : rien n'a été enregistré. "
                "Le détail technique est dans le journal du serveur."
            ) % {"row": progress.where[1], "sheet": progress.where[0]}
    finally:
        progress.remove()
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.processed_rows = progress.done
    job.report = {
        "options": options,
        "sheets": sheets,
        "ignored_sheets": ignored_sheets,
        "rows": rows,
        "counts": _counts(rows),
    }
    job.save(update_fields=["status", "error", "finished_at", "processed_rows", "total_rows", "report"])
    return job


# --- reading reports ----------------------------------------------------------------------------


def report_counts(job: ImportJob) -> dict[str, int]:
    counts = (job.report or {}).get("counts") or {}
    return {action: int(counts.get(action, 0)) for action in ACTIONS}


def report_rows(job: ImportJob, action: str = "") -> list[dict[str, Any]]:
    rows = (job.report or {}).get("rows") or []
    return [r for r in rows if r.get("action") == action] if action in ACTIONS else list(rows)
