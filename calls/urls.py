from django.urls import path

from calls.views import applicant, applicant_sections, followup, public, setup, setup_items

app_name = "calls"

urlpatterns = [
    # --- public pages (calls/views/public.py) ---
    path("", public.call_list, name="list"),
    path("<int:pk>/", public.call_detail, name="detail"),
    path("<int:pk>/documents/<int:document_pk>/", public.call_document, name="document"),
    # --- back office: call configuration (calls/views/setup.py) ---
    path("setup/", setup.call_list, name="setup_list"),
    path("setup/programmes/", setup.programme_list, name="setup_programmes"),
    path("setup/programmes/new/", setup.programme_edit, name="setup_programme_new"),
    path("setup/programmes/<int:pk>/", setup.programme_edit, name="setup_programme_edit"),
    path("setup/new/", setup.call_create, name="setup_call_new"),
    path("setup/copy/", setup.call_copy, name="setup_call_copy"),
    path("setup/<int:pk>/", setup.call_page, name="setup_call"),
    path("setup/<int:pk>/edit/", setup.call_edit, name="setup_call_edit"),
    path("setup/<int:pk>/publish/", setup.call_transition, {"action": "publish"}, name="setup_publish"),
    path("setup/<int:pk>/close/", setup.call_transition, {"action": "close"}, name="setup_close"),
    path("setup/<int:pk>/archive/", setup.call_transition, {"action": "archive"}, name="setup_archive"),
    path("setup/<int:pk>/rule-preview/", setup_items.rule_preview, name="setup_rule_preview"),
    path("setup/<int:pk>/downloads/add/", setup_items.download_add, name="setup_download_add"),
    path(
        "setup/<int:pk>/downloads/<int:document_pk>/remove/",
        setup_items.download_remove,
        name="setup_download_remove",
    ),
    path("setup/<int:pk>/tab/<slug:tab>/", setup.call_page, name="setup_call_tab"),
    path("setup/<int:pk>/<slug:kind>/new/", setup_items.item_edit, name="setup_item_new"),
    path("setup/<int:pk>/<slug:kind>/<int:item_pk>/", setup_items.item_edit, name="setup_item_edit"),
    path(
        "setup/<int:pk>/<slug:kind>/<int:item_pk>/delete/", setup_items.item_delete, name="setup_item_delete"
    ),
    path("setup/<int:pk>/<slug:kind>/<int:item_pk>/move/", setup_items.item_move, name="setup_item_move"),
    # --- applicant pages (calls/views/applicant.py, applicant_sections.py) ---
    path("mine/", applicant.my_applications, name="my_applications"),
    path("<int:pk>/apply/", applicant.application_new, name="application_new"),
    path("applications/<int:pk>/", applicant.application, name="application"),
    path("applications/<int:pk>/eligibility/", applicant.eligibility_panel, name="application_eligibility"),
    path(
        "applications/<int:pk>/partners/search/",
        applicant_sections.team_search,
        name="application_team_search",
    ),
    path("applications/<int:pk>/lead-team/", applicant_sections.lead_team, name="application_lead_team"),
    path(
        "applications/<int:pk>/partners/invite/",
        applicant_sections.partner_invite,
        name="application_partner_invite",
    ),
    path(
        "applications/<int:pk>/partners/<int:team_pk>/remove/",
        applicant_sections.partner_remove,
        name="application_partner_remove",
    ),
    path("applications/<int:pk>/budget/", applicant_sections.budget_add, name="application_budget_add"),
    path(
        "applications/<int:pk>/budget/<int:line_pk>/",
        applicant_sections.budget_line,
        name="application_budget_line",
    ),
    path(
        "applications/<int:pk>/budget/<int:line_pk>/remove/",
        applicant_sections.budget_remove,
        name="application_budget_remove",
    ),
    path("applications/<int:pk>/files/", applicant_sections.attachment_upload, name="application_upload"),
    path(
        "applications/<int:pk>/files/<int:attachment_pk>/",
        applicant_sections.attachment_download,
        name="application_attachment",
    ),
    path(
        "applications/<int:pk>/files/<int:attachment_pk>/remove/",
        applicant_sections.attachment_remove,
        name="application_attachment_remove",
    ),
    path("applications/<int:pk>/submit/", applicant.application_submit, name="application_submit"),
    path("applications/<int:pk>/receipt/", applicant.application_receipt, name="application_receipt"),
    path(
        "applications/<int:pk>/receipt.pdf", applicant.application_receipt_pdf, name="application_receipt_pdf"
    ),
    path("applications/<int:pk>/withdraw/", applicant.application_withdraw, name="application_withdraw"),
    path("invitations/<str:token>/", applicant.invitation_accept, name="invitation_accept"),
    # --- secretariat follow-up: dashboard, decisions, exports, mailing (calls/views/followup.py) ---
    path("followup/", followup.followup_index, name="followup_index"),
    path("followup/<int:pk>/", followup.followup_dashboard, name="followup_dashboard"),
    path("followup/<int:pk>/export.xlsx", followup.followup_export_xlsx, name="followup_export_xlsx"),
    path("followup/<int:pk>/export.csv", followup.followup_export_csv, name="followup_export_csv"),
    path("followup/<int:pk>/mailing/", followup.followup_mailing, name="followup_mailing"),
    path("followup/<int:pk>/letters-of-intent/", followup.followup_letters, name="followup_letters"),
    path("followup/applications/<int:pk>/", followup.followup_application, name="followup_application"),
    path("followup/applications/<int:pk>/decision/", followup.followup_decide, name="followup_decide"),
    path(
        "followup/applications/<int:pk>/files/<int:attachment_pk>/",
        followup.followup_attachment,
        name="followup_attachment",
    ),
]
