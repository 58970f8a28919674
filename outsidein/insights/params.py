"""Query parameters ⇄ Scope, shared by the pages and the API, with clear errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from outsidein.accounts.models import User
from outsidein.accounts.permissions import visible_team_ids

from .query import PERIODS, Scope, ScopeError

TEXT_FILTERS = [n for n in Scope.filter_names() if n not in ("received_from", "received_to")]
DATE_ALIASES = {"received_from": ("from", "received_from"), "received_to": ("to", "received_to")}


def _date(params: Mapping[str, str], names: tuple[str, ...]) -> date | None:
    for name in names:
        raw = (params.get(name) or "").strip()
        if raw:
            try:
                return date.fromisoformat(raw[:10])
            except ValueError:
                raise ScopeError(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None
    return None


def scope_from_params(params: Mapping[str, str], user: User | None = None) -> Scope:
    """Filters from GET parameters (``from``/``to`` or ``received_from``/``received_to``);
    a team member's scope is limited to their teams, as in the feedback explorer."""
    values: dict = {k: _date(params, names) for k, names in DATE_ALIASES.items()}
    for name in TEXT_FILTERS:
        values[name] = (params.get(name) or "").strip()[:100]
    start, end = values["received_from"], values["received_to"]
    if start and end and start > end:
        raise ScopeError("'from' must not be after 'to'")
    scope = Scope(**values)
    if user is not None:
        scope.visible_team_ids = visible_team_ids(user)
    return scope


def period_from(params: Mapping[str, str], default: str | None = "month") -> str | None:
    period = (params.get("period") or "").strip() or default
    if period is not None and period not in PERIODS:
        raise ScopeError(f"period must be week, month or quarter, got {period!r}")
    return period
