"""The extraction-rule form of the /rules/ pages. It checks the shape of the
input only; whether a pattern or selector is usable is the service's call
(``rule_services._validate``), whose ``ApplicationError`` the view attaches
to the field it is about with ``add_service_error``."""

from __future__ import annotations

from typing import Any

from django import forms

from claims_tracker.common.errors import ApplicationError

from .models import ExtractionRule, MetadataFieldChoices, RuleKindChoices

KIND_HELP: dict[str, str] = {
    RuleKindChoices.DROP_LINES: "Removes every line (paragraph) the regular expression matches.",
    RuleKindChoices.CUT_BEFORE: "Drops everything before the first match, keeping the match.",
    RuleKindChoices.CUT_AFTER: "Drops everything from the first match on, the match included.",
    RuleKindChoices.REPLACE: "Substitutes every match with the replacement (\\1 or \\g<name> "
    "refer to groups).",
    RuleKindChoices.STRIP_SELECTOR: "HTML sources only: removes the elements a CSS selector "
    "matches before the text is extracted.",
    RuleKindChoices.METADATA: "A regular expression with one named group, for example "
    "By (?P<author>.+), whose match sets the title, the author or the publication date.",
}

# Words in a service error message that tell which field it is about.
_ERROR_FIELDS = (
    ("domain", "outlet"),
    ("replacement", "replacement"),
    ("metadata rule sets", "field"),
    ("named group", "pattern"),
    ("selector", "pattern"),
    ("pattern", "pattern"),
    ("regular expression", "pattern"),
    ("name", "name"),
    ("kind", "kind"),
)


class RuleForm(forms.Form):
    name = forms.CharField(max_length=200)
    outlet = forms.CharField(
        max_length=253,
        required=False,
        help_text="An outlet's domain, for example example.com; empty for all sources.",
        widget=forms.TextInput(attrs={"list": "outlet-domains", "placeholder": "all sources"}),
    )
    kind = forms.ChoiceField(choices=RuleKindChoices.choices)
    pattern = forms.CharField(
        strip=False,
        help_text="A regular expression (lines are matched one by one: ^ and $ anchor at "
        "line ends), or a CSS selector for “Strip HTML elements”.",
        widget=forms.TextInput(
            attrs={"class": "mono", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    replacement = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off"}),
    )
    field = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *MetadataFieldChoices.choices],
        help_text="The metadata this rule sets.",
    )
    enabled = forms.BooleanField(required=False, initial=True)
    # The rule's updated_at when the form was opened: saving over a newer
    # change is refused instead of silently overwriting it.
    seen_updated_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    kind_help = KIND_HELP

    @classmethod
    def for_rule(cls, rule: ExtractionRule, **kwargs: Any) -> RuleForm:
        initial = {
            "name": rule.name,
            "outlet": rule.outlet.domain if rule.outlet else "",
            "kind": rule.kind,
            "pattern": rule.pattern,
            "replacement": rule.replacement,
            "field": rule.field,
            "enabled": rule.enabled,
            "seen_updated_at": rule.updated_at.isoformat(),
        }
        return cls(initial=initial, **kwargs)

    def clean_outlet(self) -> str:
        return self.cleaned_data["outlet"].strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        # A field that does not belong to the kind is cleared rather than kept
        # hidden: the rule stores exactly what it uses.
        if kind != RuleKindChoices.METADATA:
            data["field"] = ""
        elif not data.get("field"):
            self.add_error("field", "Choose which metadata this rule sets.")
        if kind != RuleKindChoices.REPLACE:
            data["replacement"] = ""
        return data

    def rule_data(self) -> dict[str, Any]:
        """Keyword arguments for ``rule_create`` / ``rule_update`` / ``rule_preview``."""
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "outlet": data["outlet"] or None,
            "kind": data["kind"],
            "pattern": data["pattern"],
            "replacement": data["replacement"],
            "field": data["field"],
            "enabled": data["enabled"],
        }

    def add_service_error(self, error: ApplicationError) -> None:
        """Show the service's message next to the field it is about."""
        message = error.message
        lowered = message.lower()
        for word, field in _ERROR_FIELDS:
            if word in lowered:
                self.add_error(field, message)
                return
        self.add_error(None, message)
