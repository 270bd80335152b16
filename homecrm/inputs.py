"""Validate what a form, the CLI or an import hands to a service.

Input models are pydantic models; ``parse_input`` turns their errors into one
``homecrm.errors.ValidationError`` that names every wrong field with a translated sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from homecrm.errors import ValidationError
from homecrm.i18n import _

M = TypeVar("M", bound=BaseModel)


class InputModel(BaseModel):
    """Base of service inputs: unknown keys refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def describe_error(err: Mapping[str, Any]) -> str:
    """A translated sentence for one pydantic error."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # Our validators raise ValueError with a message that is already translated.
        return str(ctx.get("error", err.get("msg", "")))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "decimal_max_places"):
        return _("Enter a valid amount.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter yes or no.")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return _("Enter a valid date.")
    if kind == "greater_than_equal":
        return _("Must be at least {limit}.").format(limit=ctx.get("ge"))
    if kind == "greater_than":
        return _("Must be greater than {limit}.").format(limit=ctx.get("gt"))
    if kind == "less_than_equal":
        return _("Must be at most {limit}.").format(limit=ctx.get("le"))
    if kind == "less_than":
        return _("Must be less than {limit}.").format(limit=ctx.get("lt"))
    if kind == "string_too_long":
        return _("At most {limit} characters.").format(limit=ctx.get("max_length"))
    if kind in ("string_too_short", "missing"):
        return _("This field is required.")
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", " " + _("or") + " ")
        return _("Choose one of: {choices}.").format(choices=expected)
    if kind == "extra_forbidden":
        return _("Unknown field.")
    return str(err.get("msg", kind))


def as_validation_error(exc: PydanticValidationError) -> ValidationError:
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = err.get("loc") or ()
        field = str(loc[0]) if loc else "__all__"
        errors.setdefault(field, describe_error(err))
    first = next(iter(errors))
    return ValidationError(errors[first], field=first, errors=errors)


def parse_input(model: type[M], data: Mapping[str, Any] | M, *, context: dict[str, Any] | None = None) -> M:
    if isinstance(data, model):
        data = data.model_dump()
    try:
        return model.model_validate(dict(data), context=context)
    except PydanticValidationError as exc:
        raise as_validation_error(exc) from None


def _money_before(value: Any) -> Any:
    from decimal import Decimal

    from homecrm.billing.money import as_decimal

    if value is None or (isinstance(value, str) and not value.strip()):
        return value
    if isinstance(value, float):
        raise ValueError(_("Amounts must be exact numbers."))
    try:
        amount = as_decimal(value)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("At most two decimals."))
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(_("This amount is too large."))
    return amount.quantize(Decimal("0.01"))


MAX_AMOUNT = 999_999_999


def money_field():
    """An ``Annotated`` Decimal accepting "1 234,50", Decimal or int; never a float."""
    from decimal import Decimal
    from typing import Annotated

    from pydantic import BeforeValidator

    return Annotated[Decimal, BeforeValidator(_money_before)]


MoneyInput = money_field()
