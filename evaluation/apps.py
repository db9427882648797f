from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Évaluation scientifique")

    def ready(self) -> None:
        from evaluation import permissions, privacy  # noqa: F401 - perms and personal-data registrations
        from evaluation.navigation import register_navigation

        register_navigation()
