from django.urls import path

from evaluation.views import assignments, campaigns, committee, conflicts, decisions, pool, public, reviewer  # noqa: F401

app_name = "evaluation"

urlpatterns = [
    # --- staff: campaigns (evaluation/views/campaigns.py) ---
    path("campaigns/", campaigns.campaign_list_view, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_hub, name="campaign"),
    path("campaigns/<int:pk>/settings/", campaigns.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:pk>/transition/<slug:action>/",
        campaigns.campaign_transition,
        name="campaign_transition",
    ),
    # --- staff: pool and invitations; invitation answers (evaluation/views/pool.py) ---
    path("campaigns/<int:pk>/pool/", pool.pool, name="pool"),
    path("campaigns/<int:pk>/pool/add/", pool.pool_add, name="pool_add"),
    path("campaigns/<int:pk>/pool/remind/", pool.pool_remind, name="pool_remind"),
    path("campaigns/<int:pk>/pool/<int:member_pk>/", pool.pool_member, name="pool_member"),
    path("campaigns/<int:pk>/pool/<int:member_pk>/replace/", pool.pool_replace, name="pool_replace"),
    path("invitations/<str:token>/", pool.invitation, name="invitation"),
    # --- staff: conflicts of interest (evaluation/views/conflicts.py) ---
    path("campaigns/<int:pk>/conflicts/", conflicts.conflicts, name="conflicts"),
    path("campaigns/<int:pk>/conflicts/detect/", conflicts.conflicts_detect, name="conflicts_detect"),
    path(
        "campaigns/<int:pk>/conflicts/<int:conflict_pk>/override/",
        conflicts.conflict_override,
        name="conflict_override",
    ),
    path(
        "campaigns/<int:pk>/conflicts/<int:conflict_pk>/restore/",
        conflicts.conflict_restore,
        name="conflict_restore",
    ),
    # --- staff: assignment (evaluation/views/assignments.py) ---
    path("campaigns/<int:pk>/assignment/", assignments.assignment, name="assignment"),
    path("campaigns/<int:pk>/assignment/run/", assignments.assignment_run, name="assignment_run"),
    path("campaigns/<int:pk>/assignment/pair/", assignments.assignment_pair, name="assignment_pair"),
    path("campaigns/<int:pk>/assignment/add/", assignments.assignment_add, name="assignment_add"),
    path("campaigns/<int:pk>/assignment/notify/", assignments.assignment_notify, name="assignment_notify"),
    path(
        "campaigns/<int:pk>/assignment/<int:assignment_pk>/remove/",
        assignments.assignment_remove,
        name="assignment_remove",
    ),
    path(
        "campaigns/<int:pk>/assignment/<int:assignment_pk>/replace/",
        assignments.assignment_replace,
        name="assignment_replace",
    ),
    # --- reviewers: my reviews, review forms, declared conflicts (evaluation/views/reviewer.py) ---
    path("reviews/", reviewer.my_reviews, name="my_reviews"),
    path("reviews/<int:assignment_pk>/", reviewer.review, name="review"),
    path("reviews/<int:assignment_pk>/submit/", reviewer.review_submit, name="review_submit"),
    path("reviews/<int:assignment_pk>/conflict/", reviewer.review_conflict, name="review_conflict"),
    path(
        "reviews/<int:assignment_pk>/files/<int:attachment_pk>/",
        reviewer.review_attachment,
        name="review_attachment",
    ),
    path("campaigns/<int:pk>/reviews/", reviewer.campaign_reviews, name="campaign_reviews"),
    path("staff/reviews/<int:review_pk>/", reviewer.staff_review, name="staff_review"),
    path("staff/reviews/<int:review_pk>/reopen/", reviewer.review_reopen, name="review_reopen"),
    # --- committee: ranking, discussion, funding proposal (evaluation/views/committee.py) ---
    path("committee/", committee.committee_index, name="committee_index"),
    path("campaigns/<int:pk>/committee/", committee.committee, name="committee"),
    path("campaigns/<int:pk>/committee/rank/", committee.committee_rank, name="committee_rank"),
    path("campaigns/<int:pk>/committee/funding/", committee.committee_funding, name="committee_funding"),
    path(
        "campaigns/<int:pk>/committee/export.<str:fmt>", committee.committee_export, name="committee_export"
    ),
    path(
        "campaigns/<int:pk>/committee/<int:application_pk>/",
        committee.committee_application,
        name="committee_application",
    ),
    path(
        "campaigns/<int:pk>/committee/<int:application_pk>/note/",
        committee.committee_note,
        name="committee_note",
    ),
    path(
        "campaigns/<int:pk>/committee/<int:application_pk>/outcome/",
        committee.committee_outcome,
        name="committee_outcome",
    ),
    # --- staff: decisions and letters (evaluation/views/decisions.py) ---
    path("campaigns/<int:pk>/decisions/", decisions.decisions, name="decisions"),
    path("campaigns/<int:pk>/decisions/record/", decisions.decision_record, name="decision_record"),
    path(
        "campaigns/<int:pk>/decisions/promote/<int:outcome_pk>/",
        decisions.decision_promote,
        name="decision_promote",
    ),
    path("campaigns/<int:pk>/decisions/publish/", decisions.committee_publish, name="committee_publish"),
    path("campaigns/<int:pk>/letters/", decisions.letters, name="letters"),
    path("campaigns/<int:pk>/letters/send/", decisions.letters_send, name="letters_send"),
    path(
        "campaigns/<int:pk>/letters/<int:outcome_pk>/language/",
        decisions.letter_language,
        name="letter_language",
    ),
    path(
        "campaigns/<int:pk>/letters/preview/<int:application_pk>/",
        decisions.letter_preview,
        name="letter_preview",
    ),
    # --- public: committee membership (evaluation/views/public.py) ---
    path("committees/", public.public_committees, name="public_committees"),
    path("committees/<int:pk>/", public.public_committee, name="public_committee"),
]
