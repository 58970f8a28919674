"""Personal API tokens: list, create (shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import TokenForm
from .models import ApiToken
from .tokens import create_token, revoke_token


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    plain_token = None
    if request.method == "POST" and form.is_valid():
        _token, plain_token = create_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "plain_token": plain_token,
    }
    response = render(request, "accounts/tokens.html", context)
    # The plain token is on this response only: keep it out of every cache.
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST":
        revoke_token(token)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
