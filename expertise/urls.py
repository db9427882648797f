from django.urls import path

from expertise.views import network

app_name = "expertise"

urlpatterns = [
    # --- collaboration network (expertise/views/network.py) ---
    path("network/", network.collaboration_network, name="network"),
    path("network/data/", network.network_data, name="network_data"),
    # --- expert search, collaborators, reviewer suggestions (expertise/views/search.py) ---
]
