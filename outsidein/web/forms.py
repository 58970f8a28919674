"""The feedback explorer's filter form: GET parameters ⇄ FeedbackFilter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.models import Team
from outsidein.feedback.filters import FeedbackFilter
from outsidein.feedback.models import Sentiment
from outsidein.insights.models import ValueTier
from outsidein.journeys.models import Journey, Touchpoint
from outsidein.listening.models import ListeningPost

# The languages the text analytics knows; codes follow the feedback items' `language`.
FEEDBACK_LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("da", _("Danish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
NPS_GROUP_CHOICES = [
    ("detractor", _("Detractors (0–6)")),
    ("passive", _("Passives (7–8)")),
    ("promoter", _("Promoters (9–10)")),
]
# Fields tucked under "More filters"; the panel opens when one of them is in use.
ADVANCED_FIELDS = (
    "team",
    "language",
    "nps_min",
    "nps_max",
    "csat_min",
    "csat_max",
    "ces_min",
    "ces_max",
    "customer",
    "value_tier",
)


def _score(label: str, low: int, high: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": f"{low}–{high}"}),
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search the text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. invoice")}),
    )
    received_from = _date(_("Received from"))
    received_to = _date(_("Received to"))
    listening_post = forms.ChoiceField(label=_("Listening post"), required=False)
    journey = forms.ChoiceField(label=_("Journey"), required=False)
    touchpoint = forms.ChoiceField(label=_("Touchpoint"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"),
        required=False,
        choices=[("", _("Any sentiment")), *Sentiment.choices],
    )
    nps_group = forms.ChoiceField(
        label=_("NPS group"), required=False, choices=[("", _("Any")), *NPS_GROUP_CHOICES]
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *FEEDBACK_LANGUAGES]
    )
    nps_min = _score(_("NPS from"), 0, 10)
    nps_max = _score(_("NPS to"), 0, 10)
    csat_min = _score(_("CSAT from"), 1, 5)
    csat_max = _score(_("CSAT to"), 1, 5)
    ces_min = _score(_("CES from"), 1, 7)
    ces_max = _score(_("CES to"), 1, 7)
    customer = forms.CharField(
        label=_("Customer number"),
        required=False,
        max_length=100,
        help_text=_("The customer's external id."),
    )
    value_tier = forms.ChoiceField(
        label=_("Value tier"), required=False, choices=[("", _("Any")), *ValueTier.choices]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["listening_post"].choices = [("", _("All listening posts"))] + list(
            ListeningPost.objects.values_list("slug", "name")
        )
        self.fields["journey"].choices = [("", _("All journeys"))] + list(
            Journey.objects.values_list("slug", "name")
        )
        self.fields["team"].choices = [("", _("All teams"))] + list(
            Team.objects.values_list("slug", "name")
        )
        self.fields["touchpoint"].choices = [("", _("All touchpoints")), *touchpoint_groups()]

    def feedback_filter(self) -> FeedbackFilter:
        """The filter from the valid fields; an invalid field is reported and left out."""
        if not self.is_bound:
            return FeedbackFilter()
        self.is_valid()
        data = self.cleaned_data
        values = {name: data.get(name) for name in FeedbackFilter.field_names()}
        return FeedbackFilter(**{k: (None if v in ("", None) else v) for k, v in values.items()})

    def advanced_in_use(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in ADVANCED_FIELDS)

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ADVANCED_FIELDS]

    def advanced_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ADVANCED_FIELDS]


def touchpoint_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Touchpoint choices grouped by journey (an <optgroup> per journey)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    touchpoints = Touchpoint.objects.select_related("stage__journey").order_by(
        "stage__journey__position", "stage__journey__name", "stage__position", "position", "name"
    )
    for touchpoint in touchpoints:
        groups.setdefault(touchpoint.stage.journey.name, []).append(
            (touchpoint.slug, touchpoint.name)
        )
    return list(groups.items())
