"""Bulk import pages of the secretariat: upload, dry-run report, real run, recent jobs.

The views only check the form, call ``directory.importing`` and show its report; the work runs in
a task (immediately in development and tests, in a worker in production).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import require_perm
from directory import importing
from directory.models import ImportJob
from directory.views import backoffice

REPORT_ROWS_PER_PAGE = 200
JOBS_PER_PAGE = 25
RECENT_JOBS = 5
ACTION_LABELS = {
    "created": gettext_lazy("Créées"),
    "updated": gettext_lazy("Modifiées"),
    "unchanged": gettext_lazy("Inchangées"),
    "rejected": gettext_lazy("Rejetées"),
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer"),
        help_text=gettext_lazy("Classeur Excel (.xlsx) ou fichier CSV, %(mb)d Mo au plus.")
        % {"mb": importing.MAX_FILE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Contenu d'un fichier CSV"),
        choices=[("", gettext_lazy("Reconnaître d'après les en-têtes"))] + list(importing.Kind.choices),
        required=False,
        help_text=gettext_lazy("Un classeur Excel est lu d'après le nom de ses feuilles."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Essai à blanc : montrer ce qui changerait, sans rien enregistrer"),
        initial=True,
        required=False,
    )
    skip_rejected = forms.BooleanField(
        label=gettext_lazy("Importer les lignes valides et ignorer les lignes rejetées"),
        required=False,
        help_text=gettext_lazy(
            "Sans cette case, un import réel n'enregistre rien si une seule ligne est rejetée."
        ),
    )


def _backoffice(**context: Any) -> dict[str, Any]:
    """The back-office sidebar lists the directory's sections."""
    return {"sections": getattr(backoffice, "SECTIONS", {}).values(), "section": None, **context}


def _jobs() -> QuerySet[ImportJob]:
    """Import jobs with their counts, without loading their (possibly large) reports."""
    return (
        ImportJob.objects.select_related("created_by")
        .defer("report")
        .annotate(
            n_created=KT("report__counts__created"),
            n_updated=KT("report__counts__updated"),
            n_rejected=KT("report__counts__rejected"),
        )
    )


@require_perm("directory.import")
def import_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(_jobs(), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "directory/import_list.html", _backoffice(page_obj=page_obj, jobs=page_obj.object_list)
    )


@require_perm("directory.import")
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.create_import_job(
                uploaded_file=form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                kind=form.cleaned_data["kind"],
                skip_rejected=form.cleaned_data["skip_rejected"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
        else:
            return redirect("directory:import_job", pk=job.pk)
    return render(
        request, "directory/import_new.html", _backoffice(form=form, jobs=list(_jobs()[:RECENT_JOBS]))
    )


def _progress_context(job: ImportJob) -> dict[str, Any]:
    processed, total = importing.read_progress(job)
    percent = min(100, int(100 * processed / total)) if total else 0
    return {"job": job, "processed": processed, "total": total, "percent": percent}


@require_perm("directory.import")
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.select_related("created_by", "source"), pk=pk)
    action = request.GET.get("action", "")
    action = action if action in importing.ACTIONS else ""
    page_obj = Paginator(importing.report_rows(job, action), REPORT_ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    counts = importing.report_counts(job)
    report = job.report or {}
    context = {
        **_progress_context(job),
        "runs": list(job.runs.select_related("created_by")),
        "action": action,
        "counts": counts,
        "total_counted": sum(counts.values()),
        "filters": [(key, ACTION_LABELS[key], counts[key]) for key in importing.ACTIONS],
        "page_obj": page_obj,
        "rows": page_obj.object_list,
        "sheets": report.get("sheets") or [],
        "ignored_sheets": report.get("ignored_sheets") or [],
        "kinds": dict(importing.Kind.choices),
        "options": report.get("options") or {},
        "is_active": job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING),
        "can_run": job.dry_run and job.status == ImportJob.Status.DONE,
        "has_work": bool(counts["created"] or counts["updated"]),
    }
    return render(request, "directory/import_job.html", _backoffice(**context))


@require_perm("directory.import")
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by the job page while the import runs; a reload once it is over."""
    job = get_object_or_404(ImportJob, pk=pk)
    response = render(request, "directory/_import_progress.html", _progress_context(job))
    if job.status not in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@require_perm("directory.import")
@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(ImportJob, pk=pk)
    try:
        job = importing.create_real_run(
            source=source, actor=request.user, skip_rejected=request.POST.get("skip_rejected") == "on"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("directory:import_job", pk=source.pk)
    messages.success(request, _("L'import réel est lancé."))
    return redirect("directory:import_job", pk=job.pk)
