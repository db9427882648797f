from django.urls import path

from outputs import views

app_name = "outputs"

urlpatterns = [
    # --- public pages ---
    path("", views.publication_list, name="list"),
    path("<int:pk>/", views.publication, name="publication"),
    # --- a person's own publications ---
    path("mine/", views.mine, name="mine"),
    path("mine/import/", views.import_own, name="import_own"),
    path("authorships/<int:pk>/claim/", views.claim, name="claim"),
    path("authorships/<int:pk>/unclaim/", views.unclaim, name="unclaim"),
    # --- imports (a person's own, or the secretariat's for a unit) ---
    path("imports/unit/", views.import_unit, name="import_unit"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    # --- the secretariat's review queue of ambiguous authors ---
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
]
