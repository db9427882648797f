from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("Productions scientifiques")

    def ready(self) -> None:
        from outputs import permissions, privacy  # noqa: F401 - rules and personal-data registrations
