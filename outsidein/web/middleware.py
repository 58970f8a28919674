"""Viewers read; they change nothing. One guard for every page, present and future."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from outsidein.accounts.permissions import can_change_data

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Pages every signed-in user may post to: their own session, language, tokens and
# preferences, and the public survey pages that anyone (even anonymous) may answer.
PERSONAL_VIEWS = {
    "login",
    "logout",
    "set_language",
    "profile",
    "accounts:tokens",
    "accounts:token_revoke",
    "cases:preferences",
    "surveys:public",
    "surveys:public_thanks",
    "surveys:personal",
    "surveys:personal_thanks",
    "surveys:unsubscribe",
}


class ViewerReadOnlyMiddleware:
    """Answer 403 to any data-changing request from a user who may not change data.

    Goes after AuthenticationMiddleware. The REST API under /api/ authenticates with
    tokens and checks roles itself. A new personal page goes into PERSONAL_VIEWS.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        user = getattr(request, "user", None)
        if request.method in SAFE_METHODS or user is None or not user.is_authenticated:
            return None
        if can_change_data(user) or request.path_info.startswith("/api/"):
            return None
        if request.resolver_match.view_name in PERSONAL_VIEWS:
            return None
        raise PermissionDenied
