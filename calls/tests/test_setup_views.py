"""The secretariat's call configuration, through the web client: a call set up end to end, the
version check, changes after publication, the copy of last year's call, permissions, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import (
    PARIS,
    BudgetCategory,
    Call,
    CallChange,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
    Programme,
    paris_datetime,
)
from calls.tests.factories import (
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    FormFieldFactory,
    ProgrammeFactory,
    make_pdf,
    upload,
)
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _draft(**kwargs):  # type: ignore[no-untyped-def]
    return CallFactory(status=Call.Status.DRAFT, published_at=None, **kwargs)


def _call_post(programme: Programme, **overrides):  # type: ignore[no-untyped-def]
    next_year = timezone.localdate().year + 1
    data = {
        "programme": programme.pk,
        "year": next_year,
        "title_fr": f"Émergence {next_year}",
        "title_en": f"Emergence {next_year}",
        "summary_fr": "Projets exploratoires en cancérologie.",
        "text_fr": "Texte complet.",
        "budget_envelope": "300000",
        "ceiling_per_project": "25000",
        "duration_min_months": "12",
        "duration_max_months": "24",
        "stages": "1",
        "opens_at_day": f"{next_year}-01-15",
        "opens_at_time": "09:00",
        "closes_at_day": f"{next_year}-03-31",
        "closes_at_time": "12:00",
        "full_stage_closes_at_day": "",
        "full_stage_closes_at_time": "12:00",
    }
    data.update(overrides)
    return data


def test_a_call_is_set_up_end_to_end_and_published(staff_client, staff):  # type: ignore[no-untyped-def]
    response = staff_client.post(
        reverse("calls:setup_programme_new"),
        {"name_fr": "Émergence", "name_en": "Emergence", "kind": "emergence", "is_active": "on"},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name_fr="Émergence")

    response = staff_client.post(reverse("calls:setup_call_new"), _call_post(programme))
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("calls:setup_call", args=[call.pk])
    year = call.year
    assert call.status == Call.Status.DRAFT
    assert call.opens_at == dt.datetime(year, 1, 15, 9, 0, tzinfo=PARIS)
    assert call.closes_at == paris_datetime(dt.date(year, 3, 31))  # noon, Paris (10:00 UTC in summer time)
    assert call.closes_at.astimezone(dt.UTC).hour == 10
    assert call.ceiling_per_project == Decimal(25000)

    def add(kind: str, data: dict, query: str = ""):  # type: ignore[no-untyped-def]
        url = reverse("calls:setup_item_new", args=[call.pk, kind]) + query
        response = staff_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        return response

    add("sections", {"title_fr": "Le projet"})
    section = FormSection.objects.get(call=call)
    add(
        "fields",
        {
            "section": section.pk,
            "label_fr": "Résumé",
            "key": "resume",
            "type": "long_text",
            "required": "on",
            "max_length": "3000",
        },
    )
    add(
        "fields",
        {
            "section": section.pk,
            "label_fr": "Axe",
            "key": "axe",
            "type": "choice",
            "choices_text": "bio | Biologie | Biology\nclin | Clinique",
        },
    )
    add(
        "documents",
        {
            "label_fr": "Projet détaillé",
            "allowed_types": ["pdf", "docx"],
            "max_size_mb": "5",
            "required": "on",
        },
    )
    add("budget", {"label_fr": "Équipement", "kind": "equipment", "max_share": "20"})
    add("criteria", {"label_fr": "Qualité scientifique", "weight": "3", "scale_max": "5"})
    response = staff_client.get(reverse("calls:setup_item_new", args=[call.pk, "rules"]))
    assert "Nombre minimal d&#x27;équipes" in response.content.decode()  # the catalogue
    add("rules", {"code": "min_teams", "param_count": "2"})
    add("rules", {"code": "applicant_career_stage", "param_excluded": ["phd_student"]})

    fields = list(FormField.objects.filter(call=call).order_by("order"))
    assert [(f.key, f.order, f.required, f.max_length) for f in fields] == [
        ("resume", 0, True, 3000),
        ("axe", 1, False, None),
    ]
    assert fields[1].choices == [
        {"value": "bio", "label_fr": "Biologie", "label_en": "Biology"},
        {"value": "clin", "label_fr": "Clinique", "label_en": ""},
    ]
    assert DocumentRequirement.objects.get(call=call).allowed_types == ["pdf", "docx"]
    assert BudgetCategory.objects.get(call=call).max_share == Decimal(20)
    assert EvaluationCriterion.objects.get(call=call).weight == Decimal(3)
    rules = list(EligibilityRule.objects.filter(call=call).order_by("order"))
    assert [(r.code, r.params) for r in rules] == [
        ("min_teams", {"count": 2}),
        ("applicant_career_stage", {"excluded": ["phd_student"]}),
    ]

    response = staff_client.post(
        reverse("calls:setup_download_add", args=[call.pk]),
        {"title_fr": "Texte de l'appel", "file": upload("appel.pdf", make_pdf())},
    )
    assert response.status_code == 302 and call.documents.count() == 1

    page = staff_client.get(reverse("calls:setup_call_tab", args=[call.pk, "rules"])).content.decode()
    assert "Le projet associe au moins 2 équipes." in page

    response = staff_client.post(reverse("calls:setup_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="calls.call.published", target_id=str(call.pk)).exists()
    assert not CallChange.objects.filter(call=call).exists()  # set up as a draft: nothing to show
    public = staff_client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "Projet détaillé" in public and "Texte de l&#x27;appel" in public


def test_dates_out_of_order_are_refused_and_the_input_kept(staff_client):  # type: ignore[no-untyped-def]
    programme = ProgrammeFactory()
    data = _call_post(
        programme, title_fr="Appel à l'envers", closes_at_day=f"{timezone.localdate().year}-01-01"
    )
    response = staff_client.post(reverse("calls:setup_call_new"), data)
    assert response.status_code == 200
    assert not Call.objects.exists()
    page = response.content.decode()
    assert "L&#x27;ouverture doit précéder la date limite." in page
    assert "Appel à l&#x27;envers" in page


def test_stale_version_keeps_the_input_and_changes_nothing(staff_client, staff):  # type: ignore[no-untyped-def]
    from calls.services import update_call

    call = _draft(title_fr="Titre d'origine")
    form_page = staff_client.get(reverse("calls:setup_call_edit", args=[call.pk]))
    assert f'name="version" value="{call.version}"' in form_page.content.decode()
    update_call(call=call, data={"title_fr": "Titre d'un collègue"}, actor=staff)  # saved meanwhile

    data = _call_post(call.programme, title_fr="Mon nouveau titre", version=str(call.version), year=call.year)
    response = staff_client.post(reverse("calls:setup_call_edit", args=[call.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "modifié par quelqu&#x27;un d&#x27;autre" in page
    assert 'value="Mon nouveau titre"' in page
    call.refresh_from_db()
    assert call.title_fr == "Titre d'un collègue"


def test_a_change_after_publication_is_recorded_and_shown(staff_client, staff):  # type: ignore[no-untyped-def]
    call = CallFactory()
    rule = EligibilityRuleFactory(call=call, code="min_teams", params={"count": 1})
    response = staff_client.post(
        reverse("calls:setup_item_edit", args=[call.pk, "rules", rule.pk]),
        {"code": "min_teams", "param_count": "3", "note": "Coquille corrigée."},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"count": 3}
    change = CallChange.objects.get(call=call)
    assert (change.action, change.before, change.after, change.note) == (
        "updated",
        {"params": {"count": 1}},
        {"params": {"count": 3}},
        "Coquille corrigée.",
    )
    assert change.changed_by == staff
    tab = staff_client.get(reverse("calls:setup_call_tab", args=[call.pk, "changes"])).content.decode()
    assert "Coquille corrigée." in tab
    public = staff_client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "Coquille corrigée." in public

    staff_client.post(reverse("calls:setup_item_delete", args=[call.pk, "rules", rule.pk]))
    assert not EligibilityRule.objects.filter(pk=rule.pk).exists()
    assert CallChange.objects.filter(call=call, action="deleted").count() == 1


def test_programme_and_stages_cannot_change_after_publication(staff_client):  # type: ignore[no-untyped-def]
    call = CallFactory()
    other = ProgrammeFactory()
    data = _call_post(other, title_fr="Nouveau titre", stages="2", version=str(call.version), year=call.year)
    response = staff_client.post(reverse("calls:setup_call_edit", args=[call.pk]), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title_fr == "Nouveau titre" and call.programme_id != other.pk and call.stages == 1
    assert CallChange.objects.filter(call=call, action="updated").exists()


def test_publication_is_refused_with_the_list_of_what_is_missing(staff_client):  # type: ignore[no-untyped-def]
    call = _draft(opens_at=None, closes_at=None)
    page = staff_client.get(reverse("calls:setup_call", args=[call.pk])).content.decode()
    assert "les dates d&#x27;ouverture et de clôture manquent" in page.lower()
    assert "Aucune règle d&#x27;éligibilité" in page
    response = staff_client.post(reverse("calls:setup_publish", args=[call.pk]), follow=True)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    assert "ne peut pas être publié" in response.content.decode()


def test_close_and_archive(staff_client):  # type: ignore[no-untyped-def]
    now = timezone.now()
    call = CallFactory(opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=1))
    staff_client.post(reverse("calls:setup_close", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    staff_client.post(reverse("calls:setup_archive", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == Call.Status.ARCHIVED
    open_call = CallFactory()
    response = staff_client.post(reverse("calls:setup_close", args=[open_call.pk]), follow=True)
    open_call.refresh_from_db()
    assert open_call.status == Call.Status.PUBLISHED
    assert "n&#x27;est pas passée" in response.content.decode()


def test_copy_from_last_year_goes_to_the_new_draft(staff_client):  # type: ignore[no-untyped-def]
    source = CallFactory(
        year=2026,
        title_fr="Émergence 2026",
        opens_at=paris_datetime(dt.date(2026, 1, 10)),
        closes_at=paris_datetime(dt.date(2026, 3, 31)),
    )
    EligibilityRuleFactory(call=source)
    DocumentRequirementFactory(call=source)
    page = staff_client.get(reverse("calls:setup_call_copy") + f"?source={source.pk}").content.decode()
    assert f'<option value="{source.pk}" selected>' in page
    response = staff_client.post(reverse("calls:setup_call_copy"), {"source": source.pk, "years": "1"})
    copy = Call.objects.exclude(pk=source.pk).get()
    assert response["Location"] == reverse("calls:setup_call", args=[copy.pk])
    assert (copy.status, copy.year, copy.title_fr, copy.copied_from_id) == (
        Call.Status.DRAFT,
        2027,
        "Émergence 2027",
        source.pk,
    )
    assert copy.closes_at == paris_datetime(dt.date(2027, 3, 31))
    assert copy.rules.count() == 1 and copy.documents_required.count() == 1


def test_items_move_up_and_down(staff_client):  # type: ignore[no-untyped-def]
    call = _draft()
    first, second, third = (FormFieldFactory(call=call, key=k) for k in ("a", "b", "c"))
    url = reverse("calls:setup_item_move", args=[call.pk, "fields", third.pk])
    staff_client.post(url, {"direction": "up"})
    assert list(call.fields.order_by("order", "pk").values_list("key", flat=True)) == ["a", "c", "b"]
    staff_client.post(
        reverse("calls:setup_item_move", args=[call.pk, "fields", first.pk]), {"direction": "down"}
    )
    assert list(call.fields.order_by("order", "pk").values_list("key", flat=True)) == ["c", "a", "b"]
    staff_client.post(
        reverse("calls:setup_item_move", args=[call.pk, "fields", second.pk]), {"direction": "down"}
    )
    assert list(call.fields.order_by("order", "pk").values_list("key", flat=True)) == ["c", "a", "b"]


def test_rule_form_comes_from_the_schema_and_previews_the_sentence(staff_client):  # type: ignore[no-untyped-def]
    call = _draft()
    FormFieldFactory(call=call, key="event_start", label_fr="Début de la manifestation", type="date")
    page = staff_client.get(
        reverse("calls:setup_item_new", args=[call.pk, "rules"]) + "?code=lead_time"
    ).content.decode()
    assert 'name="param_field"' in page and 'name="param_months"' in page
    assert '<option value="event_start">' in page

    preview = staff_client.post(
        reverse("calls:setup_rule_preview", args=[call.pk]),
        {"code": "lead_time", "param_field": "event_start", "param_months": "4"},
    ).content.decode()
    assert "au moins 4 mois avant la date de début" in preview and "preview-problem" not in preview
    missing = staff_client.post(
        reverse("calls:setup_rule_preview", args=[call.pk]),
        {"code": "lead_time", "param_field": "event_start"},
    ).content.decode()
    assert "preview-problem" in missing

    response = staff_client.post(
        reverse("calls:setup_item_new", args=[call.pk, "rules"]),
        {"code": "lead_time", "param_field": "event_start", "message": "Demande au moins 4 mois avant."},
    )
    assert response.status_code == 200 and not call.rules.exists()
    assert "Demande au moins 4 mois avant." in response.content.decode()  # the input is kept


def test_a_choice_field_without_choices_is_refused(staff_client):  # type: ignore[no-untyped-def]
    call = _draft()
    response = staff_client.post(
        reverse("calls:setup_item_new", args=[call.pk, "fields"]),
        {"label_fr": "Axe", "key": "axe", "type": "choice"},
    )
    assert response.status_code == 200 and not call.fields.exists()
    assert "Un champ à choix demande une liste" in response.content.decode()


def test_an_item_of_another_call_is_not_found(staff_client):  # type: ignore[no-untyped-def]
    call, other = _draft(), _draft()
    rule = EligibilityRuleFactory(call=other)
    assert (
        staff_client.get(reverse("calls:setup_item_edit", args=[call.pk, "rules", rule.pk])).status_code
        == 404
    )
    assert staff_client.get(reverse("calls:setup_item_new", args=[call.pk, "nope"])).status_code == 404
    assert staff_client.get(reverse("calls:setup_call_tab", args=[call.pk, "nope"])).status_code == 404


# --- permissions -------------------------------------------------------------------------------


def test_a_researcher_gets_403_everywhere_and_changes_nothing(client, researcher):  # type: ignore[no-untyped-def]
    call = _draft()
    rule = EligibilityRuleFactory(call=call)
    client.force_login(researcher)
    for url in (
        reverse("calls:setup_list"),
        reverse("calls:setup_programmes"),
        reverse("calls:setup_call", args=[call.pk]),
        reverse("calls:setup_call_edit", args=[call.pk]),
        reverse("calls:setup_item_edit", args=[call.pk, "rules", rule.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("calls:setup_publish", args=[call.pk])).status_code == 403
    assert (
        client.post(reverse("calls:setup_item_delete", args=[call.pk, "rules", rule.pk])).status_code == 403
    )
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT and call.rules.count() == 1
    home = client.get(reverse("calls:list")).content.decode()
    assert reverse("calls:setup_list") not in home


def test_anonymous_goes_to_login(client):  # type: ignore[no-untyped-def]
    response = client.get(reverse("calls:setup_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_staff_menu_links_to_the_back_office(staff_client):  # type: ignore[no-untyped-def]
    page = staff_client.get(reverse("calls:list")).content.decode()
    assert reverse("calls:setup_list") in page and "Appels à projets (gestion)" in page


# --- query counts ------------------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit):  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_the_call_list_has_a_flat_query_count(staff_client, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("calls:setup_list")).status_code == 200
        return len(captured)

    for _ in range(2):
        EligibilityRuleFactory(call=_draft())
    few = queries()
    for _ in range(8):
        call = CallFactory()
        EligibilityRuleFactory(call=call)
        FormFieldFactory(call=call)
    assert queries() == few
    _count_queries(staff_client, reverse("calls:setup_list"), django_assert_max_num_queries, 15)
    _count_queries(staff_client, reverse("calls:setup_programmes"), django_assert_max_num_queries, 10)


@pytest.mark.parametrize(
    "tab", ["overview", "form", "documents", "budget", "criteria", "rules", "downloads", "changes"]
)
def test_every_tab_has_a_flat_query_count(staff_client, staff, tab, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    from calls.services import save_budget_category, save_criterion, save_form_section

    call = CallFactory()
    for n in range(6):
        section = save_form_section(call=call, data={"title_fr": f"Section {n}"}, actor=staff)
        FormFieldFactory(call=call, section=section, document=DocumentRequirementFactory(call=call))
        EligibilityRuleFactory(call=call, code="min_teams", params={"count": n + 1})
        save_budget_category(
            call=call, data={"label_fr": f"Poste {n}", "max_share": Decimal(10)}, actor=staff
        )
        save_criterion(call=call, data={"label_fr": f"Critère {n}"}, actor=staff)
    assert call.changes.count() >= 18
    url = (
        reverse("calls:setup_call_tab", args=[call.pk, tab])
        if tab != "overview"
        else reverse("calls:setup_call", args=[call.pk])
    )
    _count_queries(staff_client, url, django_assert_max_num_queries, 22)
