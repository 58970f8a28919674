"""The customer's survey pages: no login, no cookies, no JavaScript.

The views are csrf_exempt on purpose: a personal link is itself the secret, and the
anonymous form carries a signed one-time nonce, so no cookie (and no cookie banner) is
needed. Every failure is a clear page with a fitting status, never a 500.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import conf, ratelimit
from .distribution import customer_for_unsubscribe, opt_out
from .models import LANGUAGES, Response, Survey, SurveyVersion
from .questions import ReadAnswers, localized, read_answers
from .responses import (
    Submission,
    SurveyProblem,
    check_personal,
    existing_response,
    invitation_for_token,
    issue_nonce,
    mark_opened,
    public_survey,
    read_nonce,
    submit_anonymous,
    submit_personal,
    version_for_form,
)

LANGUAGE_NAMES = dict(LANGUAGES)
ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "dan": "da", "swe": "sv"}


def survey_page(view):
    """Public page decorator: no CSRF cookie, never cached, problems shown as pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SurveyProblem as issue:
            language = _fallback_language(request)
            with translation.override(language):
                return render(
                    request,
                    "surveys/public/problem.html",
                    {"kind": issue.kind, "page_language": language},
                    status=issue.status,
                )

    return csrf_exempt(never_cache(require_http_methods(["GET", "POST"])(wrapper)))


def _fallback_language(request: HttpRequest, offered: list[str] | None = None) -> str:
    offered = offered or list(LANGUAGE_NAMES)
    wanted = request.GET.get("lang") or request.POST.get("lang")
    if wanted in offered:
        return wanted
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.lower().split("-")[0]
        base = ALIASES.get(base, base)
        if base in offered:
            return base
    return offered[0]


def page_language(request: HttpRequest, survey: Survey, preferred: str = "") -> str:
    """?lang= (the switch), else the invitation's language, else the browser's, else default."""
    wanted = request.POST.get("lang") or request.GET.get("lang")
    if wanted in survey.languages:
        return wanted
    if preferred in survey.languages:
        return preferred
    offered = [survey.default_language] + [
        c for c in survey.languages if c != survey.default_language
    ]
    return _fallback_language(request, offered)


# ---------------------------------------------------------------------------
# Personal links


@survey_page
def personal(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    now = timezone.now()
    response = check_personal(invitation, now)
    survey = invitation.survey
    language = page_language(
        request, survey, response.language if response else invitation.language
    )
    scope = f"i{invitation.pk}"
    if request.method == "POST":
        submission = _submission(request, survey, language, scope, response)
        if submission.read.errors:
            return _form(request, survey, submission.version, language, submission.read, scope, 400)
        submit_personal(invitation, submission, now)
        return redirect(reverse("surveys:personal_thanks", args=[token]) + f"?lang={language}")
    mark_opened(invitation, now)
    version = response.version if response else survey.current_version
    answered = ReadAnswers(response.answers, response.consent_contact, {}) if response else None
    return _form(request, survey, version, language, answered, scope, editing=response)


@survey_page
def personal_thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    response = existing_response(invitation)
    if response is None:
        return redirect("surveys:personal", token=token)
    language = page_language(request, invitation.survey, response.language)
    can_edit = response.editable_until and timezone.now() < response.editable_until
    return _thanks(request, invitation.survey, response.version, language, response, can_edit)


# ---------------------------------------------------------------------------
# The anonymous public link


@survey_page
def public(request: HttpRequest, slug: str) -> HttpResponse:
    survey = public_survey(slug)
    language = page_language(request, survey)
    scope = f"p{survey.pk}"
    if request.method == "POST":
        limit, window = conf.public_rate_limit()
        if not ratelimit.allow(f"survey{survey.pk}", ratelimit.client_key(request), limit, window):
            with translation.override(language):
                context = {"kind": "rate_limited", "page_language": language}
                return render(request, "surveys/public/problem.html", context, status=429)
        submission = _submission(request, survey, language, scope, None)
        if submission.read.errors:
            return _form(request, survey, submission.version, language, submission.read, scope, 400)
        submit_anonymous(survey, submission, timezone.now())
        return redirect(reverse("surveys:public_thanks", args=[slug]) + f"?lang={language}")
    return _form(request, survey, survey.current_version, language, None, scope)


@survey_page
def public_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = public_survey(slug)
    language = page_language(request, survey)
    return _thanks(request, survey, survey.current_version, language, None, False)


# ---------------------------------------------------------------------------
# Unsubscribe


@survey_page
def unsubscribe(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks for confirmation (mail scanners follow links); POST records the opt-out.

    POST also serves RFC 8058 one-click unsubscribe from the List-Unsubscribe header.
    """
    customer = customer_for_unsubscribe(code)
    if customer is None:
        raise SurveyProblem("not_found", 404)
    language = _fallback_language(request, _customer_languages(customer.language))
    done = request.method == "POST"
    if done:
        opt_out(customer)
    with translation.override(language):
        context = {"done": done, "page_language": language, "languages": _switch(request, [])}
        return render(request, "surveys/public/unsubscribe.html", context)


def _customer_languages(language: str) -> list[str]:
    first = ALIASES.get(language, language)
    return [first] + [c for c in LANGUAGE_NAMES if c != first] if first in LANGUAGE_NAMES else []


# ---------------------------------------------------------------------------
# Rendering


def _submission(
    request: HttpRequest, survey: Survey, language: str, scope: str, response: Response | None
) -> Submission:
    nonce = read_nonce(request.POST.get("nonce", ""), scope)
    version = response.version if response else version_for_form(survey, request.POST.get("v"))
    with translation.override(language):
        read = read_answers(version.questions, request.POST)
    return Submission(version, read, language, nonce)


def _switch(request: HttpRequest, codes: list[str]) -> list[dict]:
    return [{"code": code, "name": LANGUAGE_NAMES[code], "url": f"?lang={code}"} for code in codes]


def _form(
    request: HttpRequest,
    survey: Survey,
    version: SurveyVersion | None,
    language: str,
    read: ReadAnswers | None,
    scope: str,
    status: int = 200,
    editing: Response | None = None,
) -> HttpResponse:
    if version is None:
        raise SurveyProblem("closed", 410)
    from .rendering import form_questions

    errors = read.errors if read else {}
    with translation.override(language):
        context = {
            "survey": survey,
            "version": version,
            "page_language": language,
            "languages": _switch(request, survey.languages),
            "title": localized(version.texts.get("title"), language) or survey.name,
            "intro": localized(version.texts.get("intro"), language),
            "questions": form_questions(version.questions, language, read),
            "errors": errors,
            "nonce": issue_nonce(scope),
            "editing": editing,
        }
        return render(request, "surveys/public/form.html", context, status=status)


def _thanks(request, survey, version, language, response, can_edit) -> HttpResponse:
    with translation.override(language):
        context = {
            "survey": survey,
            "page_language": language,
            "languages": _switch(request, survey.languages),
            "thanks": localized((version.texts if version else {}).get("thanks"), language),
            "can_edit": can_edit,
            "response": response,
        }
        return render(request, "surveys/public/thanks.html", context)
