"""What the leadership-course effect adds to the curriculum's pages (registered as a courses hook at start-up)."""

from assessments.leadership.selectors import completions_visible_to, leadership_effects
from assessments.leadership.views import effect_context
from portal.models import Role


def leadership_programme_panel(request, programme) -> dict | None:
    """On a leadership course's page: the viewing manager's before/after once they have completed it, or a note
    of what will appear here."""
    if programme.kind != "leadership" or request.user.role != Role.MANAGER:
        return None
    enrolment = completions_visible_to(request.user).filter(programme_id=programme.pk).first()
    if enrolment is None:
        return {"template": "assessments/leadership/programme_panel.html", "effect": None}
    (effect,) = leadership_effects([enrolment])
    return {"template": "assessments/leadership/programme_panel.html", **effect_context(effect)}
