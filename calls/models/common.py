"""What the models of calls share: bilingual texts, the stage an item belongs to, Paris time."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

PARIS = ZoneInfo("Europe/Paris")


def paris_datetime(day: dt.date, time: dt.time = dt.time(12, 0)) -> dt.datetime:
    """The aware instant of ``time`` on ``day`` in Europe/Paris ("at noon", by default).

    Built from the wall-clock time, so that noon stays noon across daylight-saving changes
    (11:00 UTC in winter, 10:00 UTC in summer).
    """
    return dt.datetime.combine(day, time, tzinfo=PARIS)


def in_paris(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS)


class Bilingual:
    """Models with ``<name>_fr`` / ``<name>_en`` fields read them through ``tr(name)``: the
    English text in English when there is one, the French text otherwise."""

    def tr(self, name: str) -> str:
        if (translation.get_language() or "fr").startswith("en"):
            english = getattr(self, f"{name}_en", "")
            if english:
                return str(english)
        return str(getattr(self, f"{name}_fr", ""))


class Stage(models.TextChoices):
    """The stage of an application: a letter of intent, or the full proposal (the only stage of a
    one-stage call)."""

    LETTER_OF_INTENT = "loi", _("Lettre d'intention")
    FULL = "full", _("Dossier complet")


class StageScope(models.TextChoices):
    """The stage(s) a form field, a required document or an eligibility rule applies to."""

    ALL = "all", _("Toutes les étapes")
    LETTER_OF_INTENT = "loi", _("Lettre d'intention")
    FULL = "full", _("Dossier complet")

    @classmethod
    def covering(cls, stage: str) -> list[str]:
        """The scopes that apply to an application at ``stage``."""
        return [cls.ALL.value, stage]
