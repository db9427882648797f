from evaluation.views import assignments, campaigns, committee, conflicts, decisions, pool, public, reviewer  # noqa: F401

app_name = "evaluation"

urlpatterns = [
    # --- staff: campaigns (evaluation/views/campaigns.py) ---
    # --- staff: pool and invitations; invitation answers (evaluation/views/pool.py) ---
    # --- staff: conflicts of interest (evaluation/views/conflicts.py) ---
    # --- staff: assignment (evaluation/views/assignments.py) ---
    # --- reviewers: my reviews, review forms, declared conflicts (evaluation/views/reviewer.py) ---
    # --- committee: ranking, discussion, funding proposal (evaluation/views/committee.py) ---
    # --- staff: decisions and letters (evaluation/views/decisions.py) ---
    # --- public: committee membership (evaluation/views/public.py) ---
]
