from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Appels à projets")

    def ready(self) -> None:
        from accounts.permissions import is_secretariat
        from calls import eligibility, permissions, privacy  # noqa: F401 - rules, perms, personal-data registrations
        from core.demo import DemoStep, register_demo_step
        from core.navigation import NavItem, register

        register(NavItem(_("Appels à projets"), "calls:list", order=35))
        register(NavItem(_("Candidatures"), "calls:my_applications", 36, lambda u: u.is_authenticated))
        register(
            NavItem(
                _("Appels à projets (gestion)"),
                "calls:setup_list",
                order=930,
                visible=is_secretariat.test,
                section="staff",
            )
        )
        register(
            NavItem(
                _("Suivi des appels"),
                "calls:followup_index",
                order=931,
                visible=is_secretariat.test,
                section="staff",
            )
        )
        register_demo_step(DemoStep("calls", order=30, run=_seed_demo_calls, wipe=_wipe_demo_calls))


def _seed_demo_calls(context):  # type: ignore[no-untyped-def]
    from calls.demo import seed_calls

    return seed_calls()


def _wipe_demo_calls() -> None:
    from calls.models import Application, Call, Programme

    Application.objects.filter(parent__isnull=False).delete()
    Application.objects.all().delete()
    Call.objects.all().delete()
    Programme.objects.all().delete()
