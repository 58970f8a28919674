"""The CX lead's survey pages: list, create from a template, edit, QR code, response rates."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from outsidein.accounts.permissions import can_manage_setup

from . import conf
from .forms import DefinitionForm, NewSurveyForm, SurveySettingsForm
from .library import create_from_template, definition_yaml, parse_definition, save_questions
from .models import Survey
from .questions import DefinitionError
from .rates import response_rates


def _require_setup(request: HttpRequest) -> None:
    if not can_manage_setup(request.user):
        raise PermissionDenied


def public_url(survey: Survey, request: HttpRequest) -> str:
    return conf.base_url(request) + reverse("surveys:public", args=[survey.slug])


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    form = NewSurveyForm(request.POST or None)
    if request.method == "POST":
        _require_setup(request)
        if form.is_valid():
            data = form.cleaned_data
            survey = create_from_template(
                data["template"],
                slug=data["slug"],
                name=data["name"],
                listening_post=data["listening_post"],
                touchpoint=data["touchpoint"],
                languages=data["languages"],
            )
            messages.success(request, _("The survey is created as a draft."))
            return redirect("surveys:detail", slug=survey.slug)
    surveys = Survey.objects.select_related("listening_post", "touchpoint").annotate(
        answers=Count("responses", distinct=True)
    )
    rates = {rate.key: rate for rate in response_rates("survey")}
    rows = [(survey, rates.get(survey.slug)) for survey in surveys]
    context = {"rows": rows, "form": form, "can_manage": can_manage_setup(request.user)}
    return render(request, "surveys/staff/list.html", context)


@login_required
def survey_detail(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(
        Survey.objects.select_related("listening_post", "touchpoint"), slug=slug
    )
    chosen = Survey.objects.filter(pk=survey.pk)
    context = {
        "survey": survey,
        "version": survey.current_version,
        "versions": survey.versions.annotate(answers=Count("responses")),
        "public_url": public_url(survey, request),
        "qr_svg": _qr(survey, request).svg_inline(
            scale=4, title=_("QR code for the public survey link")
        )
        if survey.public_link
        else "",
        "by_touchpoint": response_rates("touchpoint", chosen),
        "by_language": response_rates("language", chosen),
        "totals": next(iter(response_rates("survey", chosen)), None),
        "can_manage": can_manage_setup(request.user),
    }
    return render(request, "surveys/staff/detail.html", context)


@login_required
def survey_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_setup(request)
    survey = get_object_or_404(Survey, slug=slug)
    version = survey.current_version
    settings_form = SurveySettingsForm(request.POST or None, instance=survey)
    initial = {"definition": definition_yaml(version) if version else ""}
    definition_form = DefinitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and settings_form.is_valid() and definition_form.is_valid():
        try:
            questions, texts = parse_definition(definition_form.cleaned_data["definition"])
            survey = settings_form.save()
            saved = save_questions(survey, questions, texts)
        except DefinitionError as error:
            definition_form.add_error("definition", str(error))
        else:
            if version and saved.pk != version.pk:
                messages.success(request, _("Saved as version %(n)s.") % {"n": saved.number})
            else:
                messages.success(request, _("The survey is saved."))
            return redirect("surveys:detail", slug=survey.slug)
    context = {"survey": survey, "settings_form": settings_form, "definition_form": definition_form}
    return render(request, "surveys/staff/edit.html", context)


def _qr(survey: Survey, request: HttpRequest) -> segno.QRCode:
    return segno.make(public_url(survey, request), error="m")


@login_required
def survey_qr(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug, public_link=True)
    response = HttpResponse(content_type="image/svg+xml")
    _qr(survey, request).save(response, kind="svg", scale=8, border=4)
    response["Content-Disposition"] = f'inline; filename="survey-{survey.slug}-qr.svg"'
    return response


@login_required
def rates_page(request: HttpRequest) -> HttpResponse:
    context = {group: response_rates(group) for group in ("survey", "touchpoint", "language")}
    return render(request, "surveys/staff/rates.html", context)
