"""The Wagtail edit form of a programme: checks its learning-path prerequisites before they are saved.

The prerequisites are a parental relation that the form assigns after the model's own `clean()`, so the checks
that need the chosen set live here (the rule itself is `courses.rules.prerequisite_errors`).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from courses.rules import prerequisite_errors

PREREQUISITE_MESSAGES = {
    "policy_kind": _(
        "Onboarding, the monthly module and the leadership course are assigned by the role policy and keep that "
        "rule: only a learning-path course can have prerequisites."
    ),
    "itself": _("A programme cannot be its own prerequisite."),
    "circle": _("These prerequisites would make a circle: one of them already requires this programme."),
}


class ProgrammePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("prerequisites")
        if field is not None:
            queryset = field.queryset.order_by("path")
            if self.instance.pk:
                queryset = queryset.exclude(pk=self.instance.pk)
            field.queryset = queryset

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("prerequisites")
        if chosen is None:
            return cleaned
        through = type(self.instance).prerequisites.through
        requires: dict[int, set[int]] = {}
        for programme_id, prerequisite_id in through.objects.values_list(
            "from_programmepage_id", "to_programmepage_id"
        ):
            requires.setdefault(programme_id, set()).add(prerequisite_id)
        codes = prerequisite_errors(
            kind=cleaned.get("kind") or self.instance.kind,
            programme_id=self.instance.pk,
            prerequisite_ids={p.pk for p in chosen},
            requires=requires,
        )
        for code in codes:
            self.add_error("prerequisites", PREREQUISITE_MESSAGES[code])
        return cleaned
