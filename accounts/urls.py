from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("my-data.json", views.export_my_data, name="export"),
    path("erasure/", views.request_erasure, name="request_erasure"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("manage/", views.backoffice, name="backoffice"),
    path("manage/invitations/", views.invitations, name="invitations"),
    path("manage/users/", views.users, name="users"),
    path("manage/users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("manage/privacy/", views.privacy_requests, name="privacy_requests"),
    path("manage/privacy/<int:pk>/", views.privacy_request, name="privacy_request"),
    path("manage/audit/", views.audit_log, name="audit_log"),
]
