"""The building blocks of eligibility rules: parameters, results, the rule base class, the registry.

A rule is a class with a ``code``, a ``label`` (French, translated through the catalogues), a
parameter schema (``params_schema``: a tuple of ``Param``), ``describe(params, call=None)`` giving
the sentence shown on the call's page, and ``check(facts, params)`` giving a ``RuleResult``:
``passed`` is True, False, or None when the rule does not apply (yet), with a message that says
why. ``check`` reads an ``ApplicationFacts`` snapshot (``calls.eligibility.facts``), never the
database, so that rules are pure functions that tests can drive with any data.

Adding a rule: one class decorated with ``@register`` in a ``rules_*.py`` module, and its tests.
"""

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.errors import InvalidInput

if TYPE_CHECKING:
    from calls.eligibility.facts import ApplicationFacts
    from calls.models import Call


# --- small helpers the rules share --------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, the day clamped to the target month's length
    (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def parse_decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def format_euros(amount: Decimal | int) -> str:
    """25000 → "25 000 €"; 1234.5 → "1 234,50 €" (French typography)."""
    amount = Decimal(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def format_percent(value: Decimal) -> str:
    value = Decimal(value).normalize()
    text = f"{value:f}".replace(".", ",")
    return f"{text}\u00a0%"


def format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- parameters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a rule, enough for the back office to draw a form field.

    ``kind``: ``int``, ``decimal`` (stored as a string in JSON), ``choice`` (one of ``choices``),
    ``choices`` (a list of ``choices``), ``field`` (the key of a form field of the call).
    """

    name: str
    label: str | Promise
    kind: str
    required: bool = True
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    choices: Callable[[], Iterable[tuple[str, Any]]] | None = None
    help: str | Promise = ""

    def choice_values(self) -> list[str]:
        return [str(value) for value, _label in (self.choices() if self.choices else [])]

    def clean(self, raw: Any) -> Any:
        """The normalised value, or raise ``ValueError`` with a sentence."""
        if self.kind == "choices":
            values = [str(v) for v in (raw or [])] if isinstance(raw, list | tuple) else None
            if values is None:
                raise ValueError(_("une liste est attendue"))
            unknown = sorted(set(values) - set(self.choice_values()))
            if unknown:
                raise ValueError(_("valeurs inconnues : %(values)s") % {"values": ", ".join(unknown)})
            return sorted(set(values), key=values.index)
        if self.kind == "choice":
            if str(raw) not in self.choice_values():
                raise ValueError(_("valeur inconnue : %(value)s") % {"value": raw})
            return str(raw)
        if self.kind == "field":
            text = str(raw).strip()
            if not text:
                raise ValueError(_("une clé de champ est attendue"))
            return text
        number = parse_decimal(raw)
        if number is None:
            raise ValueError(_("un nombre est attendu"))
        if self.kind == "int" and number != number.to_integral_value():
            raise ValueError(_("un nombre entier est attendu"))
        if self.minimum is not None and number < Decimal(self.minimum):
            raise ValueError(_("au moins %(min)s") % {"min": self.minimum})
        if self.maximum is not None and number > Decimal(self.maximum):
            raise ValueError(_("au plus %(max)s") % {"max": self.maximum})
        return int(number) if self.kind == "int" else f"{number.normalize():f}"


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule on one application. ``passed`` is None when it does not apply."""

    code: str
    passed: bool | None
    message: str
    description: str = ""
    rule_id: int | None = None

    @property
    def outcome(self) -> str:
        if self.passed is None:
            return "not_applicable"
        return "passed" if self.passed else "failed"


# --- rules and the registry ---------------------------------------------------------------


class Rule:
    code: ClassVar[str]
    label: ClassVar[str | Promise]
    params_schema: ClassVar[tuple[Param, ...]] = ()

    def validate_params(
        self, params: Mapping[str, Any] | None, *, call: "Call | None" = None
    ) -> dict[str, Any]:
        """Normalised parameters, or ``InvalidInput(field="params")`` listing every problem.
        With ``call``, ``field`` parameters must name a field of that call's form."""
        params = dict(params or {})
        cleaned: dict[str, Any] = {}
        errors: list[str] = []
        known = {p.name for p in self.params_schema}
        for name in sorted(set(params) - known):
            errors.append(_("paramètre inconnu « %(name)s »") % {"name": name})
        field_keys = set(call.fields.values_list("key", flat=True)) if call is not None and call.pk else None
        for param in self.params_schema:
            raw = params.get(param.name)
            if is_blank(raw):
                if param.required:
                    errors.append(_("« %(label)s » est obligatoire") % {"label": param.label})
                continue
            try:
                cleaned[param.name] = param.clean(raw)
            except ValueError as exc:
                errors.append(f"{param.label} : {exc}")
                continue
            if param.kind == "field" and field_keys is not None and cleaned[param.name] not in field_keys:
                errors.append(
                    _("« %(label)s » : le formulaire n'a pas de champ « %(key)s »")
                    % {"label": param.label, "key": cleaned[param.name]}
                )
        if not errors:
            errors += self.cross_check(cleaned)
        if errors:
            raise InvalidInput(
                _("Règle « %(rule)s » : %(errors)s.") % {"rule": self.label, "errors": " ; ".join(errors)},
                field="params",
            )
        return cleaned

    def cross_check(self, params: dict[str, Any]) -> list[str]:
        """Checks across parameters (override when some combinations make no sense)."""
        return []

    def describe(self, params: Mapping[str, Any], *, call: "Call | None" = None) -> str:
        raise NotImplementedError

    def check(self, facts: "ApplicationFacts", params: Mapping[str, Any]) -> RuleResult:
        raise NotImplementedError

    # Helpers for subclasses.
    def passed(self, message: str = "") -> RuleResult:
        return RuleResult(self.code, True, message or _("Règle respectée."))

    def failed(self, message: str) -> RuleResult:
        return RuleResult(self.code, False, message)

    def not_applicable(self, message: str) -> RuleResult:
        return RuleResult(self.code, None, message)


class Registry:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, cls: type[Rule]) -> type[Rule]:
        if cls.code in self._rules:
            raise ValueError(f"Two eligibility rules share the code {cls.code!r}.")
        self._rules[cls.code] = cls()
        return cls

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code)

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def all(self) -> list[Rule]:
        return list(self._rules.values())

    def choices(self) -> list[tuple[str, str]]:
        return [(rule.code, str(rule.label)) for rule in self._rules.values()]


registry = Registry()
register = registry.register
