"""Input of the reader's and claim page's htmx endpoints. The forms only check
shape; services decide whether a quote may be linked."""

from __future__ import annotations

from django import forms

from .models import Stance

STANCE_MESSAGES = {
    "required": "Choose a stance: asserts, disputes or mentions.",
    "invalid_choice": "Choose a stance: asserts, disputes or mentions.",
}


class LinkForm(forms.Form):
    """The reader's panel: link the selected passage to an existing claim, or
    to a new one (``mode``). ``replaces`` names an orphaned evidence the new
    link takes over ("select again")."""

    exact = forms.CharField(strip=False, error_messages={"required": "Select a passage first."})
    start = forms.IntegerField(min_value=0, required=False)
    stance = forms.ChoiceField(choices=Stance.choices, error_messages=STANCE_MESSAGES)
    mode = forms.ChoiceField(choices=[("existing", "existing"), ("new", "new")], required=False)
    claim = forms.IntegerField(required=False)
    new_claim = forms.CharField(required=False)
    attributed_to = forms.CharField(required=False, max_length=200)
    note = forms.CharField(required=False)
    replaces = forms.IntegerField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("mode") == "new":
            if not (data.get("new_claim") or "").strip():
                raise forms.ValidationError("Write the new claim's text.")
        elif not data.get("claim"):
            raise forms.ValidationError(
                "Pick a claim from the search results, or create a new one."
            )
        return data


class PassageLinkForm(forms.Form):
    """ "Find more evidence": link a found passage to the claim in one step."""

    source = forms.IntegerField()
    exact = forms.CharField(strip=False)
    start = forms.IntegerField(min_value=0, required=False)
    stance = forms.ChoiceField(choices=Stance.choices, error_messages=STANCE_MESSAGES)
    attributed_to = forms.CharField(required=False, max_length=200)


class EvidenceEditForm(forms.Form):
    stance = forms.ChoiceField(
        choices=Stance.choices, required=False, error_messages=STANCE_MESSAGES
    )
    attributed_to = forms.CharField(required=False, max_length=200)


def form_messages(form: forms.Form) -> list[str]:
    """Every error of a form as a sentence, non-field errors first."""
    messages = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name != "__all__":
            messages.extend(str(e) for e in errors)
    return messages
