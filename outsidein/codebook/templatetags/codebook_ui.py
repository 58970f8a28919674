"""Template helpers of the codebook pages, and the permission check the site navigation uses."""

from __future__ import annotations

from django import template
from django.utils import translation

from outsidein.accounts import permissions

register = template.Library()


@register.filter
def can_manage_setup(user) -> bool:
    return user.is_authenticated and permissions.can_manage_setup(user)


@register.filter
def can_change_data(user) -> bool:
    return user.is_authenticated and permissions.can_change_data(user)


@register.filter
def share_percent(value: float) -> str:
    """A share as a CSS width: 0.254 → '25.4%'."""
    return f"{(value or 0) * 100:.1f}%"


@register.filter
def theme_label(theme) -> str:
    """The theme's name in the current UI language (its own name when it has none)."""
    language = (translation.get_language() or "en").split("-")[0]
    return (theme.labels or {}).get(language) or theme.name
