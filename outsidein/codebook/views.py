"""Codebook pages: the theme tree, editing a theme, YAML in and out, reanalysis, emerging topics.

Everyone signed in may look; only admin and CX lead (can_manage_setup) change anything.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outsidein.accounts.permissions import can_manage_setup
from outsidein.text.codebook import CodebookError, default_codebook

from . import jobs, pages
from .forms import AdoptTopicForm, ThemeForm, ThemeTestForm, UploadForm
from .models import EmergingTopic, Theme, TopicStatus
from .services import export_codebook, import_codebook
from .topics import adopt_topic, discover_emerging_topics

CHANGED = "codebook_changed"  # session flag: stored feedback predates the codebook
DISCOVERY_DAYS = 30


def setup_required(view):
    """Only admin and CX lead: 403 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not can_manage_setup(request.user):
            raise PermissionDenied(_("Only a CX lead or an administrator may change the codebook."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _changed(request: HttpRequest) -> None:
    request.session[CHANGED] = True


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": pages.theme_tree(request.user),
        "days": pages.STATS_DAYS,
        "can_manage": can_manage_setup(request.user),
        "changed": request.session.get(CHANGED, False),
        "upload_form": UploadForm(),
        "open_topics": EmergingTopic.objects.filter(status=TopicStatus.NEW).count(),
    }
    return render(request, "codebook/index.html", context)


def _edit(request: HttpRequest, instance: Theme | None) -> HttpResponse:
    form = ThemeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            theme = form.codebook_theme()
            problem = pages.validate_change(theme, form.cleaned_data["active"])
        except CodebookError as error:
            form.add_codebook_error(error)
        else:
            if problem:
                form.add_error(*problem)
            else:
                saved = pages.save_theme(theme, form.cleaned_data["active"], instance)
                _changed(request)
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
                return redirect("codebook:index")
    context = {"form": form, "theme": instance, "test_form": ThemeTestForm()}
    return render(request, "codebook/theme_form.html", context, status=400 if form.errors else 200)


@setup_required
def theme_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@setup_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Theme, pk=pk))


@setup_required
@require_POST
def theme_test(request: HttpRequest) -> HttpResponse:
    """htmx: which recent feedback the theme as typed (not yet saved) would tag."""
    pk = request.POST.get("theme_pk")
    instance = Theme.objects.filter(pk=pk).first() if pk and pk.isdigit() else None
    form = ThemeForm(request.POST, instance=instance)
    test_form = ThemeTestForm(request.POST)
    context: dict = {"error": None, "result": None}
    if not form.is_valid():
        context["error"] = _("Fill in a name first.")
    else:
        try:
            theme = form.codebook_theme()
            test_form.is_valid()
            context["result"] = pages.test_theme(theme, test_form.cleaned_data.get("sample", ""))
        except CodebookError as error:
            context["error"] = str(error)
    return render(request, "codebook/_test_results.html", context)


@setup_required
@require_POST
def start_default(request: HttpRequest) -> HttpResponse:
    if Theme.objects.exists():
        messages.error(request, _("The codebook already has themes."))
    else:
        # Stored feedback was analysed with this very codebook: nothing to re-analyse.
        report = import_codebook(default_codebook())
        messages.success(
            request,
            _("Started from the default codebook: %(n)d themes.") % {"n": report["created"]},
        )
    return redirect("codebook:index")


@setup_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a YAML file to import."))
        return redirect("codebook:index")
    try:
        report = pages.import_yaml(form.cleaned_data["file"].read())
    except CodebookError as error:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": error})
        return redirect("codebook:index")
    _changed(request)
    messages.success(
        request,
        _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {k: report[k] for k in ("created", "updated", "unchanged")},
    )
    return redirect("codebook:index")


@login_required
@require_GET
def download(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    response = HttpResponse(
        export_codebook().to_yaml(), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="codebook-{stamp}.yaml"'
    return response


@setup_required
@require_POST
def reanalyse(request: HttpRequest) -> HttpResponse:
    outcome, count = jobs.reanalyze_now_or_later()
    if outcome == "done":
        request.session.pop(CHANGED, None)
        messages.success(
            request,
            _("Analysed %(n)d feedback items again with the current codebook.") % {"n": count},
        )
    elif outcome == "queued":
        request.session.pop(CHANGED, None)
        messages.success(
            request,
            _("Re-analysis of %(n)d feedback items is queued; the background worker does it.")
            % {"n": count},
        )
    else:
        messages.error(
            request,
            _("Could not queue the re-analysis. Run `outsidein reanalyze` on the server."),
        )
    back = {"topics": "codebook:topics", "sentiment": "codebook:sentiment"}.get(
        request.POST.get("next", ""), "codebook:index"
    )
    return redirect(back)


# -- emerging topics ----------------------------------------------------------------------


@login_required
@require_GET
def topics(request: HttpRequest) -> HttpResponse:
    latest = EmergingTopic.objects.order_by("-discovered_at").first()
    context = {
        "cards": pages.topic_cards(request.user),
        "latest": latest,
        "handled": EmergingTopic.objects.exclude(status=TopicStatus.NEW).select_related("theme")[
            :10
        ],
        "can_manage": can_manage_setup(request.user),
        "changed": request.session.get(CHANGED, False),
        "themes": Theme.objects.all(),
        "days": DISCOVERY_DAYS,
    }
    return render(request, "codebook/topics.html", context)


@setup_required
@require_POST
def discover(request: HttpRequest) -> HttpResponse:
    if pages.uncovered_count(DISCOVERY_DAYS) > jobs.SYNC_LIMIT:
        if jobs.enqueue(jobs.DISCOVER_JOB, DISCOVERY_DAYS):
            messages.success(request, _("Discovery is queued; the background worker runs it."))
        else:
            messages.error(
                request,
                _("Could not queue the discovery. Run `outsidein topics discover` on the server."),
            )
        return redirect("codebook:topics")
    found = discover_emerging_topics(days=DISCOVERY_DAYS)
    messages.success(request, _("Found %(n)d emerging topics.") % {"n": len(found)})
    return redirect("codebook:topics")


@setup_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(EmergingTopic, pk=pk)
    form = AdoptTopicForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new theme a name."))
        return redirect("codebook:topics")
    try:
        theme = adopt_topic(topic, form.cleaned_data["name"], form.cleaned_data["parent"])
    except (ValueError, CodebookError) as error:
        messages.error(request, _("Not turned into a theme: %(error)s") % {"error": error})
        return redirect("codebook:topics")
    _changed(request)
    messages.success(
        request,
        _("“%(name)s” is now a theme. Re-analyse stored feedback to tag it.")
        % {"name": theme.name},
    )
    return redirect("codebook:topics")


@setup_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(EmergingTopic, pk=pk)
    if pages.dismiss_topic(topic):
        messages.success(request, _("Dismissed."))
    return redirect("codebook:topics")


@login_required
@require_GET
def sentiment(request: HttpRequest) -> HttpResponse:
    context = {
        **pages.sentiment_overview(),
        "can_manage": can_manage_setup(request.user),
        "changed": request.session.get(CHANGED, False),
        "open_topics": EmergingTopic.objects.filter(status=TopicStatus.NEW).count(),
    }
    return render(request, "codebook/sentiment.html", context)


@setup_required
@require_POST
def train(request: HttpRequest) -> HttpResponse:
    # Embedding thousands of comments takes minutes: always the background worker's job.
    if jobs.enqueue(jobs.TRAIN_JOB, request.user.pk):
        messages.success(
            request,
            _("Training is queued; the background worker runs it. Reload this page later."),
        )
    else:
        messages.error(request, _("Could not queue the training. Run `outsidein text train`."))
    return redirect("codebook:sentiment")
