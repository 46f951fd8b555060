"""Input of the reader's and claim page's htmx endpoints. The forms only check
shape; services decide whether a quote may be linked."""

from __future__ import annotations

import re

from django import forms

from .models import ActorKind, Stance

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
    via = forms.CharField(required=False, max_length=1000)
    note = forms.CharField(required=False)
    replaces = forms.IntegerField(required=False)

    def clean_via(self) -> list[str]:
        """Who passed the words on, outermost first, separated by semicolons."""
        return [
            part.strip() for part in self.cleaned_data.get("via", "").split(";") if part.strip()
        ]

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


def tag_names(value: str) -> list[str]:
    """Tags as typed: separated by commas, one word or several each."""
    return [" ".join(part.split()) for part in (value or "").split(",") if part.strip()]


class ClaimForm(forms.Form):
    """``/claims/new/`` and a claim's edit page. ``version``, ``base_text`` and
    ``base_tags`` are what the editor was shown: a refused save (someone else
    saved first) is combined with that person's edit from them."""

    text = forms.CharField(
        max_length=2000, error_messages={"required": "Write the claim in one sentence."}
    )
    tags = forms.CharField(required=False, max_length=3000)
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    base_text = forms.CharField(required=False, strip=False)
    base_tags = forms.CharField(required=False)

    def clean_tags(self) -> list[str]:
        tags = tag_names(self.cleaned_data.get("tags", ""))
        if len(tags) > 50:
            raise forms.ValidationError("At most 50 tags.")
        return tags


class MergeForm(forms.Form):
    into = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, error_messages={"required": "Choose the claim to keep."}
    )
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    into_version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class IdsField(forms.TypedMultipleChoiceField):
    """Several ids from checkboxes; which ids exist is the service's business."""

    def __init__(self, **kwargs) -> None:
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value) -> bool:
        return str(value).isdigit() and 0 < int(value) < 2**63


class SplitForm(forms.Form):
    evidence = IdsField(error_messages={"required": "Tick the evidence to split off."})
    text = forms.CharField(
        max_length=2000, error_messages={"required": "Write the new claim's text."}
    )
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class BulkForm(forms.Form):
    """The claim list's bulk actions on the ticked claims."""

    action = forms.ChoiceField(
        choices=[("tag", "tag"), ("untag", "untag"), ("merge", "merge")],
        error_messages={"required": "Choose what to do with the selected claims."},
    )
    ids = IdsField(error_messages={"required": "Select at least one claim."})
    tag = forms.CharField(required=False, max_length=60)
    into = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("action")
        if action in ("tag", "untag") and not (data.get("tag") or "").strip():
            raise forms.ValidationError("Name the tag.")
        if action == "merge":
            ids = data.get("ids") or []
            if len(set(ids)) < 2:
                raise forms.ValidationError("Select at least two claims to merge.")
            if data.get("into") not in ids:
                raise forms.ValidationError("Choose which of the selected claims to keep.")
        return data


def form_messages(form: forms.Form) -> list[str]:
    """Every error of a form as a sentence, non-field errors first."""
    messages = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name != "__all__":
            messages.extend(str(e) for e in errors)
    return messages


class ActorForm(forms.Form):
    """An actor's page, edit form: aliases one per line (or comma-separated)."""

    name = forms.CharField(max_length=200, error_messages={"required": "Give the actor a name."})
    kind = forms.ChoiceField(choices=ActorKind.choices)
    aliases = forms.CharField(required=False, max_length=20000, widget=forms.Textarea)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)

    def clean_aliases(self) -> list[str]:
        raw = self.cleaned_data.get("aliases", "")
        names = [" ".join(n.split()) for n in re.split(r"[\n,]", raw) if n.strip()]
        if len(names) > 100:
            raise forms.ValidationError("At most 100 aliases.")
        if any(len(n) > 200 for n in names):
            raise forms.ValidationError("An alias is at most 200 characters.")
        return names


class ActorMergeForm(forms.Form):
    into = forms.CharField(
        max_length=200, error_messages={"required": "Name the actor to merge into."}
    )
    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm these are the same actor."}
    )
