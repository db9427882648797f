"""``manage.py seed_demo --size small|large [--seed N] [--scale X] [--reset]``: load the demo network.

Refuses to run on a directory that already holds data (use ``--reset``), to wipe a directory
that the demo did not create, and to run with a real mail server configured (the demo holds
addresses at real institutional domains); ``--force`` overrides the last two checks.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core.demo import DemoContext, run_demo_steps, wipe_demo_steps
from core.models import AuditEntry
from directory import demo

SAFE_EMAIL_BACKENDS = ("console", "locmem", "filebased", "dummy")


class Command(BaseCommand):
    help = _("Charge le jeu de démonstration : annuaire du réseau et comptes de démonstration (un par rôle).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(demo.SIZES),
            default="small",
            help=_("small : 3 000 personnes ; large : 20 000 personnes (mesures de performance)."),
        )
        parser.add_argument(
            "--seed", type=int, default=1, help=_("Graine du générateur : même graine, mêmes données.")
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("Multiplie les effectifs de la taille choisie (0.1 pour un essai rapide)."),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Vide d'abord l'annuaire et supprime les comptes de démonstration."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Passe outre les protections (annuaire non issu de la démo, serveur de courrier réel)."),
        )

    def handle(
        self, *args: Any, size: str, seed: int, scale: float, reset: bool, force: bool, **options: Any
    ) -> None:
        backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        if backend not in SAFE_EMAIL_BACKENDS and not force:
            raise CommandError(
                _(
                    "Un serveur de courrier réel est configuré (%(backend)s) : les données de démonstration contiennent "
                    "des adresses de domaines réels. Utilisez un backend console ou locmem, ou --force."
                )
                % {"backend": settings.EMAIL_BACKEND}
            )
        if scale <= 0:
            raise CommandError(_("--scale doit être positif."))
        if reset:
            self._reset(force=force)
        if not demo.directory_is_empty():
            raise CommandError(
                _(
                    "L'annuaire contient déjà des données. Relancez avec --reset pour le remplacer par le jeu de "
                    "démonstration."
                )
            )
        started = time.perf_counter()
        report = demo.generate(size=size, seed=seed, scale=scale)
        extra = run_demo_steps(DemoContext(seed=seed, size=size, scale=scale))
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                _("Jeu de démonstration « %(size)s » (graine %(seed)s) chargé en %(seconds).1f s.")
                % {"size": size, "seed": seed, "seconds": elapsed}
            )
        )
        labels = {
            "institutions": _("institutions"),
            "units": _("unités"),
            "teams": _("équipes"),
            "people": _("personnes"),
            "affiliations": _("affiliations"),
            "keywords": _("mots-clés"),
            "themes": _("thèmes de groupes de travail"),
            "platforms": _("plateformes"),
            "tech_transfer_offices": _("structures de valorisation"),
            "accounts": _("comptes de démonstration"),
        }
        for name, count in {**report.counts, **extra}.items():
            self.stdout.write(f"  {labels.get(name, name):<38} {count:>7}")
        self.stdout.write(_("Durées :"))
        for step, seconds in report.timings.items():
            self.stdout.write(f"  {step:<38} {seconds:>7.2f} s")
        self.stdout.write(_("Empreinte des données : %(digest)s") % {"digest": report.digest})
        self.stdout.write("")
        self.stdout.write(_("Comptes de démonstration (même mot de passe pour tous) :"))
        for label, email, password in report.credentials:
            self.stdout.write(f"  {label:<52} {email:<36} {password}")
        if settings.CANCEROPOLE_STAFF_MFA_REQUIRED:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Le secrétariat et l'administrateur devront configurer une application d'authentification (TOTP) "
                        "à la première connexion, ou lancez le serveur avec CANCEROPOLE_STAFF_MFA_REQUIRED=false."
                    )
                )
            )

    def _reset(self, *, force: bool) -> None:
        seeded = AuditEntry.objects.filter(action="directory.demo.seeded").exists()
        if not demo.directory_is_empty() and not seeded and not force:
            raise CommandError(
                _(
                    "Cet annuaire n'a pas été créé par seed_demo : --reset l'effacerait entièrement. "
                    "Ajoutez --force si c'est bien ce que vous voulez."
                )
            )
        started = time.perf_counter()
        try:
            wipe_demo_steps()
            counts = demo.wipe()
        except ProtectedError as exc:
            raise CommandError(
                _("Impossible de vider l'annuaire : d'autres données (%(objects)s) y font référence.")
                % {"objects": ", ".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))}
            ) from exc
        self.stdout.write(
            _(
                "Annuaire vidé (%(people)s personnes, %(accounts)s comptes de démonstration) en %(seconds).1f s."
            )
            % {**counts, "seconds": time.perf_counter() - started}
        )
