"""The items configured on a call in the back office: form sections and fields, required
documents, budget categories, evaluation criteria, eligibility rules (their form drawn from the
rule's parameter schema, with a live preview of the sentence applicants read), and the documents
to download. Every write goes through ``calls.services``; after publication the services record
each change (``CallChange``). Staff only (``calls.manage``); see ``calls.views.setup``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calls import selectors, services
from calls.eligibility import registry
from calls.forms.setup import (
    BudgetCategoryForm,
    CriterionForm,
    DocumentForm,
    FieldForm,
    ItemForm,
    RuleForm,
    SectionForm,
)
from calls.models import (
    BudgetCategory,
    Call,
    CallDocument,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
)
from calls.views.setup import PERM, apply_error, call_or_404, int_or_none, tab_url
from core.errors import DomainError, InvalidInput, StaleVersion
from core.permissions import require_perm


@dataclass(frozen=True)
class ItemKind:
    """One kind of item configured on a call: its form, its service, the tab that lists it."""

    slug: str
    model: type[Model]
    form_class: type[ItemForm]
    save: Callable[..., Model]
    tab: str
    new_label: Promise
    singular: Promise


KINDS: dict[str, ItemKind] = {
    k.slug: k
    for k in (
        ItemKind(
            "sections",
            FormSection,
            SectionForm,
            services.save_form_section,
            "form",
            gettext_lazy("Nouvelle section"),
            gettext_lazy("section"),
        ),
        ItemKind(
            "fields",
            FormField,
            FieldForm,
            services.save_form_field,
            "form",
            gettext_lazy("Nouveau champ"),
            gettext_lazy("champ"),
        ),
        ItemKind(
            "documents",
            DocumentRequirement,
            DocumentForm,
            services.save_document_requirement,
            "documents",
            gettext_lazy("Nouvelle pièce demandée"),
            gettext_lazy("pièce demandée"),
        ),
        ItemKind(
            "budget",
            BudgetCategory,
            BudgetCategoryForm,
            services.save_budget_category,
            "budget",
            gettext_lazy("Nouveau poste budgétaire"),
            gettext_lazy("poste budgétaire"),
        ),
        ItemKind(
            "criteria",
            EvaluationCriterion,
            CriterionForm,
            services.save_criterion,
            "criteria",
            gettext_lazy("Nouveau critère d'évaluation"),
            gettext_lazy("critère d'évaluation"),
        ),
        ItemKind(
            "rules",
            EligibilityRule,
            RuleForm,
            services.save_eligibility_rule,
            "rules",
            gettext_lazy("Nouvelle règle d'éligibilité"),
            gettext_lazy("règle d'éligibilité"),
        ),
    )
}


# --- items configured on a call ------------------------------------------------------------


def _kind_or_404(kind: str) -> ItemKind:
    try:
        return KINDS[kind]
    except KeyError as exc:
        raise Http404 from exc


def _item_or_404(call: Call, kind: ItemKind, item_pk: int) -> Model:
    item = kind.model._default_manager.filter(call=call, pk=item_pk).first()
    if item is None:
        raise Http404
    return item


@require_perm(PERM)
def item_edit(request: HttpRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    call = call_or_404(pk)
    item_kind = _kind_or_404(kind)
    item = _item_or_404(call, item_kind, item_pk) if item_pk else None
    extra: dict[str, Any] = {"call": call}
    if item_kind.slug == "rules":
        code = (
            item.code
            if isinstance(item, EligibilityRule)
            else request.POST.get("code") or request.GET.get("code")
        )
        definition = registry.get(code or "")
        if definition is None:
            return render(
                request,
                "calls/setup_rule_catalogue.html",
                {"call": call, "catalogue": registry.all(), "back": tab_url(call, "rules")},
            )
        extra["definition"] = definition
    initial = {}
    if item is None and item_kind.slug == "fields" and int_or_none(request.GET.get("section")):
        initial["section"] = int_or_none(request.GET.get("section"))
    form = item_kind.form_class(
        request.POST or None, instance=item, call=call, initial=initial, **_form_kwargs(extra)
    )
    comparison: list[tuple[str, str, str, bool]] = []
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        if item is None:
            same = {"section": data.get("section")} if item_kind.slug == "fields" else {}
            data["order"] = selectors.next_order(call, item_kind.model, **same)
        try:
            saved = item_kind.save(
                call=call,
                data=data,
                actor=request.user,
                instance=item,
                note=form.change_note,
                expected_version=form.expected_version if item else None,
            )
        except DomainError as exc:
            apply_error(form, exc)
            if item is not None:
                item.refresh_from_db()
            if isinstance(exc, StaleVersion) and item is not None:
                # What the user typed stays in the form; the saved version is shown beside it.
                current = item_kind.form_class(instance=item, call=call, **_form_kwargs(extra))
                comparison = form.compare_with(current)
                form.rebase(item.version)  # type: ignore[attr-defined]
        else:
            messages.success(
                request,
                _("« %(label)s » est enregistré·e.") % {"label": saved}
                if item
                else _("« %(label)s » est ajouté·e.") % {"label": saved},
            )
            return redirect(tab_url(call, item_kind.tab))
    preview = _preview(extra.get("definition"), item, call)
    return render(
        request,
        "calls/setup_item_form.html",
        {
            **extra,
            "form": form,
            "item": item,
            "kind": item_kind,
            "back": tab_url(call, item_kind.tab),
            "preview": preview,
            "stale": bool(comparison),
            "comparison": comparison,
        },
    )


def _form_kwargs(extra: dict[str, Any]) -> dict[str, Any]:
    return {"definition": extra["definition"]} if "definition" in extra else {}


def _preview(definition: Any, item: Model | None, call: Call) -> str:
    if definition is None:
        return ""
    params = item.params if isinstance(item, EligibilityRule) else {}
    try:
        return definition.describe(definition.validate_params(params, call=call), call=call)
    except (InvalidInput, KeyError, TypeError, ValueError):
        return ""


@require_perm(PERM)
@require_POST
def rule_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The sentence applicants will read for the rule being typed (HTMX fragment)."""
    call = call_or_404(pk)
    definition = registry.get(request.POST.get("code", ""))
    if definition is None:
        raise Http404
    form = RuleForm(request.POST, call=call, definition=definition)
    form.is_valid()
    sentence, problem = "", ""
    try:
        sentence = definition.describe(definition.validate_params(form.params(), call=call), call=call)
    except InvalidInput as exc:
        problem = exc.message
    message = (form.cleaned_data.get("message") or "").strip()
    return render(
        request,
        "calls/setup_rule_preview.html",
        {"preview": message or sentence, "problem": problem, "custom": bool(message)},
    )


@require_perm(PERM)
@require_POST
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    call = call_or_404(pk)
    item_kind = _kind_or_404(kind)
    item = _item_or_404(call, item_kind, item_pk)
    label = str(item)
    try:
        services.delete_call_item(item=item, actor=request.user, note=request.POST.get("note", "")[:2000])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("« %(label)s » est supprimé·e.") % {"label": label})
    return redirect(tab_url(call, item_kind.tab))


@require_perm(PERM)
@require_POST
def item_move(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    call = call_or_404(pk)
    item_kind = _kind_or_404(kind)
    item = _item_or_404(call, item_kind, item_pk)
    try:
        services.move_call_item(item=item, direction=request.POST.get("direction", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(tab_url(call, item_kind.tab) + f"#{item_kind.slug}-{item.pk}")


# --- documents to download -----------------------------------------------------------------


@require_perm(PERM)
@require_POST
def download_add(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_or_404(pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choisissez un fichier à ajouter."))
    else:
        try:
            services.add_call_document(
                call=call,
                upload=upload,
                title_fr=request.POST.get("title_fr", "")[:255],
                title_en=request.POST.get("title_en", "")[:255],
                actor=request.user,
                note=request.POST.get("note", "")[:2000],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Le document est ajouté à la page de l'appel."))
    return redirect(tab_url(call, "downloads"))


@require_perm(PERM)
@require_POST
def download_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    call = call_or_404(pk)
    document = get_object_or_404(CallDocument, call=call, pk=document_pk)
    services.remove_call_document(
        document=document, actor=request.user, note=request.POST.get("note", "")[:2000]
    )
    messages.success(request, _("Le document est retiré de la page de l'appel."))
    return redirect(tab_url(call, "downloads"))
