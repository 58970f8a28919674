"""The filter bar of the Measure pages (GET parameters shared with the metrics API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.models import Team
from outsidein.feedback.models import Sentiment
from outsidein.journeys.models import Journey, Touchpoint
from outsidein.listening.models import Channel, ListeningPost
from outsidein.web.forms import FEEDBACK_LANGUAGES

from .models import ValueTier

PERIODS = [("month", _("Month")), ("week", _("Week")), ("quarter", _("Quarter"))]


def _choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", _("All"))] + list(choices))


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MeasureFilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = _date(_("From"))
        self.fields["to"] = _date(_("To"))
        self.fields["period"] = forms.ChoiceField(
            label=_("Trend by"), required=False, choices=PERIODS
        )
        self.fields["journey"] = _choice(_("Journey"), Journey.objects.values_list("slug", "name"))
        self.fields["touchpoint"] = _choice(
            _("Touchpoint"), Touchpoint.objects.values_list("slug", "name")
        )
        self.fields["listening_post"] = _choice(
            _("Listening post"), ListeningPost.objects.values_list("slug", "name")
        )
        self.fields["channel"] = _choice(_("Channel"), Channel.choices)
        self.fields["team"] = _choice(_("Owner team"), Team.objects.values_list("slug", "name"))
        self.fields["value_tier"] = _choice(_("Value tier"), ValueTier.choices)
        self.fields["language"] = _choice(_("Language"), FEEDBACK_LANGUAGES)
        self.fields["sentiment"] = _choice(_("Sentiment"), Sentiment.choices)
