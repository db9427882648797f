from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Annuaire")

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from accounts.permissions import is_secretariat
        from core.navigation import NavItem, PageSection, register, register_section
        from directory import permissions, privacy  # noqa: F401 - rules and personal-data registrations
        from directory.selectors import network_figures

        register(NavItem(_("Annuaire"), "directory:people", order=10))
        register(NavItem(_("Plateformes"), "directory:platforms", order=20))
        register(NavItem(_("Carte"), "directory:map", order=30))
        register(
            NavItem(
                _("Gestion de l'annuaire"),
                "directory:backoffice",
                order=910,
                visible=is_secretariat.test,
                section="staff",
            )
        )
        register_section(
            PageSection(
                "home",
                "directory/_home_figures.html",
                lambda obj, user: {"figures": network_figures()},
                order=10,
            )
        )

        def _link_person(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
            from directory.services import link_new_account

            link_new_account(user=user)

        user_signed_up.connect(_link_person, dispatch_uid="directory_link_person_on_signup", weak=False)
