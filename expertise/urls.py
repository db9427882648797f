from django.urls import path

from expertise.views import network, search

app_name = "expertise"

urlpatterns = [
    # --- collaboration network (expertise/views/network.py) ---
    path("network/", network.collaboration_network, name="network"),
    path("network/data/", network.network_data, name="network_data"),
    # --- expert search, collaborators, reviewer suggestions (expertise/views/search.py) ---
    path("experts/", search.expert_search, name="search"),
    path("experts/person/<int:pk>/collaborators/", search.collaborators, name="collaborators"),
    path("experts/reviewers/", search.suggest_reviewers, name="suggest_reviewers"),
]
