"""Forms of the codebook pages: a theme with its terms per language, uploads, topic adoption."""

from __future__ import annotations

import re

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from outsidein.text.codebook import FIELDS, LANG_KEYS, CodebookError
from outsidein.text.codebook import Theme as CodebookTheme

from .models import Theme

LANGUAGE_NAMES = {
    "nb": _("Norwegian Bokmål"),
    "nn": _("Norwegian Nynorsk"),
    "da": _("Danish"),
    "sv": _("Swedish"),
    "en": _("English"),
    "any": _("Every language"),
}
TERM_HELP = {
    "keywords": _(
        "One per line. Matched on word stems; word* matches the start of a word, *word the end of a compound."
    ),
    "phrases": _("One per line: word sequences, matched on stems."),
    "patterns": _("One per line: regular expressions, case-insensitive."),
}
TERM_LABELS = {"keywords": _("Keywords"), "phrases": _("Phrases"), "patterns": _("Patterns")}
# "theme 'x': field 'patterns.nb': bad regex" → the form field that shows the message.
_FIELD_IN_ERROR = re.compile(r"field '([a-z]+)(?:\.([a-z]+))?'")


_NORDIC = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o"})


def code_for(name: str) -> str:
    """A theme code from its name: "Ærlig pris" → "aerlig-pris"."""
    return slugify(name.lower().translate(_NORDIC))[:50] or "theme"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ThemeForm(forms.Form):
    """A theme; validated as part of the whole codebook by the view (see `codebook_error`)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        required=False,
        help_text=_(
            "Stored on every tagged feedback item; it cannot change later. Empty: made from the name."
        ),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    parent = forms.ModelChoiceField(
        label=_("Parent theme"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("None (top level)"),
    )
    active = forms.BooleanField(
        label=_("Active (used to tag feedback)"), required=False, initial=True
    )

    def __init__(self, *args, instance: Theme | None = None, **kwargs) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        parents = Theme.objects.all()
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "Stored on every tagged feedback item; it cannot change."
            )
        self.fields["parent"].queryset = parents
        for lang in LANG_KEYS:
            if lang != "any":
                self.fields[f"label_{lang}"] = forms.CharField(
                    label=LANGUAGE_NAMES[lang], max_length=200, required=False
                )
            for kind in FIELDS:
                name = f"{kind}_{lang}"
                self.fields[name] = forms.CharField(
                    label=TERM_LABELS[kind],
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                )
                # Tall enough for the list it holds, within reason.
                lines = str(self[name].value() or "").count("\n") + 2
                self.fields[name].widget.attrs["rows"] = min(max(lines, 3), 14)

    @staticmethod
    def initial_from(theme: Theme) -> dict:
        initial = {
            "name": theme.name,
            "code": theme.code,
            "description": theme.description,
            "parent": theme.parent_id,
            "active": theme.active,
        }
        for lang in LANG_KEYS:
            initial[f"label_{lang}"] = (theme.labels or {}).get(lang, "")
            for kind in FIELDS:
                initial[f"{kind}_{lang}"] = "\n".join((getattr(theme, kind) or {}).get(lang, []))
        return initial

    @staticmethod
    def term_help() -> list[tuple[str, str]]:
        return [(TERM_LABELS[kind], TERM_HELP[kind]) for kind in FIELDS]

    def label_fields(self) -> list[forms.BoundField]:
        return [self[f"label_{lang}"] for lang in LANG_KEYS if lang != "any"]

    def languages(self) -> list[dict]:
        """Term fields grouped per language, for one fold-out section each."""
        out = []
        for lang in LANG_KEYS:
            fields = [self[f"{kind}_{lang}"] for kind in FIELDS]
            used = any(str(field.value() or "").strip() for field in fields)
            has_errors = any(field.errors for field in fields)
            out.append(
                {
                    "code": lang,
                    "name": LANGUAGE_NAMES[lang],
                    "fields": fields,
                    "open": used or has_errors,
                }
            )
        return out

    def clean_code(self) -> str:
        """A code the CX lead typed for a new theme must be free: it cannot change later."""
        code = self.cleaned_data.get("code") or ""
        if self.instance is None and code:
            taken = Theme.objects.filter(code=code).first()
            if taken is not None:
                raise forms.ValidationError(
                    _("“%(name)s” has this code already: choose another one."),
                    params={"name": taken.name},
                )
        return code

    def theme_code(self) -> str:
        """The typed code, or one made from the name ("price-2" when "price" is taken)."""
        from .services import unique_code

        if self.instance is not None:
            return self.instance.code
        typed = self.cleaned_data.get("code")
        return typed or unique_code(code_for(self.cleaned_data.get("name", "")))

    def codebook_theme(self) -> CodebookTheme:
        """The cleaned form as an outsidein.text theme (raises CodebookError on bad terms)."""
        data = self.cleaned_data
        parent = data.get("parent")
        terms = {
            kind: {lang: _lines(data.get(f"{kind}_{lang}", "")) for lang in LANG_KEYS}
            for kind in FIELDS
        }
        return CodebookTheme.from_dict(
            {
                "code": self.theme_code(),
                "name": data.get("name", ""),
                "description": data.get("description", ""),
                "parent": parent.code if parent else None,
                "labels": {
                    lang: data[f"label_{lang}"].strip()
                    for lang in LANG_KEYS
                    if lang != "any" and data.get(f"label_{lang}", "").strip()
                },
                **{kind: {k: v for k, v in lists.items() if v} for kind, lists in terms.items()},
            }
        )

    def add_codebook_error(self, error: CodebookError) -> None:
        """Show the codebook's message on the field it names (the form's top otherwise)."""
        text = str(error)
        match = _FIELD_IN_ERROR.search(text)
        if match is None:
            self.add_error(None, text)
            return
        field, lang = match.groups()
        name = f"{field}_{lang}" if lang else field
        message = text[match.end() :].lstrip(": ")
        message = message[:1].upper() + message[1:]
        self.add_error(name, message) if name in self.fields else self.add_error(None, text)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Codebook file (YAML)"))


class AdoptTopicForm(forms.Form):
    name = forms.CharField(label=_("Theme name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Parent theme"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("None (top level)"),
    )


class ThemeTestForm(forms.Form):
    sample = forms.CharField(
        label=_("Try a sentence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
