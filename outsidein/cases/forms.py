"""Forms of the case pages and the rule editor."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outsidein.loop.rules import RuleValidationError, parse_condition

from .models import AlertRule, ContactChannel, ContactOutcome, NotificationPreference, Status

SENTIMENTS = [("negative", _("Negative")), ("neutral", _("Neutral")), ("positive", _("Positive"))]


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


class RuleForm(forms.ModelForm):
    """The common conditions as fields (all must hold), or any condition tree as JSON."""

    nps_max = forms.IntegerField(label=_("NPS at most"), required=False, min_value=0, max_value=10)
    sentiment = forms.MultipleChoiceField(
        label=_("Sentiment is"),
        choices=SENTIMENTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.CharField(label=_("Theme is any of (codes)"), required=False)
    moment_of_truth = forms.BooleanField(label=_("At a moment of truth"), required=False)
    touchpoints = forms.CharField(label=_("Touchpoint is any of (slugs)"), required=False)
    value_tiers = forms.CharField(label=_("Value tier is any of"), required=False)
    languages = forms.CharField(label=_("Language is any of"), required=False)
    keywords = forms.CharField(
        label=_("Text mentions any of"),
        required=False,
        help_text=_("Comma separated; * at either end matches the rest of a compound word."),
    )
    condition_json = forms.CharField(
        label=_("Condition as JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code"}),
        help_text=_("Leave empty to use the fields above. Filled in, it wins over them."),
    )

    class Meta:
        model = AlertRule
        fields = [
            "name",
            "description",
            "priority",
            "team",
            "sla_policy",
            "notify_email",
            "notify_chat",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["condition_json"] = json.dumps(
                self.instance.condition, indent=2, ensure_ascii=False
            )

    def built_condition(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        leaves: list[dict[str, Any]] = []
        if data.get("nps_max") is not None:
            leaves.append({"kind": "nps", "op": "<=", "value": data["nps_max"]})
        if data.get("sentiment"):
            leaves.append({"kind": "sentiment", "in": data["sentiment"]})
        if _codes(data.get("themes", "")):
            leaves.append({"kind": "theme", "any_of": _codes(data["themes"])})
        if data.get("moment_of_truth"):
            leaves.append({"kind": "moment_of_truth", "value": True})
        for field, kind in (
            ("touchpoints", "touchpoint"),
            ("value_tiers", "value_tier"),
            ("languages", "language"),
        ):
            if _codes(data.get(field, "")):
                leaves.append({"kind": kind, "in": _codes(data[field])})
        if _codes(data.get("keywords", "")):
            leaves.append({"kind": "keywords", "any_of": _codes(data["keywords"])})
        if not leaves:
            return None
        return leaves[0] if len(leaves) == 1 else {"all": leaves}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = (data.get("condition_json") or "").strip()
        if raw:
            try:
                condition = json.loads(raw)
            except json.JSONDecodeError as exc:
                self.add_error("condition_json", _("Not valid JSON: %(error)s") % {"error": exc})
                return data
        else:
            condition = self.built_condition()
            if condition is None:
                raise forms.ValidationError(_("Give at least one condition."))
        try:
            parse_condition(condition)
        except RuleValidationError as exc:
            for message in exc.errors:
                self.add_error("condition_json" if raw else None, message)
            return data
        data["condition"] = self.instance.condition = condition
        return data

    def save(self, commit: bool = True) -> AlertRule:
        self.instance.condition = self.cleaned_data["condition"]
        return super().save(commit)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))


class OuterLoopForm(forms.Form):
    root_cause = forms.ChoiceField(label=_("Root cause (theme)"), required=False)
    improvement = forms.CharField(
        label=_("Improvement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, themes: list[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].choices = [("", "—"), *themes]


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["mode"]
        labels = {"mode": _("Send me case notifications")}
        widgets = {"mode": forms.RadioSelect}
