from django.urls import path

from calls.views import public

app_name = "calls"

urlpatterns = [
    # --- public pages (calls/views/public.py) ---
    path("", public.call_list, name="list"),
    path("<int:pk>/", public.call_detail, name="detail"),
    path("<int:pk>/documents/<int:document_pk>/", public.call_document, name="document"),
    # --- back office: call configuration (calls/views/setup.py) ---
    # --- applicant pages (calls/views/applicant.py) ---
    # --- secretariat follow-up: dashboard, decisions, exports, mailing (calls/views/followup.py) ---
]
