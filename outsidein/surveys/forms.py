"""Forms of the CX lead's survey pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outsidein.journeys.models import Touchpoint
from outsidein.listening.models import ListeningPost

from .library import templates
from .models import LANGUAGES, Survey


def _template_choices() -> list[tuple[str, str]]:
    return [(key, t["name"]["en"]) for key, t in templates().items()]


class NewSurveyForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=_template_choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    slug = forms.SlugField(label=_("Short name (in links)"), max_length=50)
    listening_post = forms.ModelChoiceField(
        label=_("Listening post"), queryset=ListeningPost.objects.filter(active=True)
    )
    touchpoint = forms.ModelChoiceField(
        label=_("Touchpoint"), queryset=Touchpoint.objects.all(), required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGES,
        initial=[code for code, _name in LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "rates" or Survey.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A survey with this short name exists already."))
        return slug


class SurveySettingsForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Survey
        fields = [
            "name",
            "status",
            "listening_post",
            "touchpoint",
            "languages",
            "default_language",
            "public_link",
            "delay_minutes",
            "sampling_rate",
            "expires_after_days",
            "reminder_after_days",
        ]
        widgets = {"default_language": forms.Select(choices=LANGUAGES)}

    def clean(self) -> dict:
        cleaned = super().clean()
        languages = cleaned.get("languages") or []
        if cleaned.get("default_language") not in languages:
            self.add_error("default_language", _("Choose one of the survey's languages."))
        return cleaned


class DefinitionForm(forms.Form):
    definition = forms.CharField(
        label=_("Questions and texts (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "mono", "spellcheck": "false"}),
        help_text=_(
            "Kinds: nps, csat, ces, text, single, multiple, consent. Saving a survey that "
            "has answers creates a new version; earlier answers keep theirs."
        ),
    )
