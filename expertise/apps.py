from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = _("Expertise et collaborations")

    def ready(self) -> None:
        from core.navigation import NavItem, register

        register(NavItem(_("Réseau"), "expertise:network", order=40))
