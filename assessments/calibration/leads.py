"""Who is a QA lead: the one place calibration, grade-the-grader and their queue items ask.

A QA lead is an active trainer/QA person holding `assessments.lead_qa` (granted to the person, not to a role).
Both functions below must change together if QA leads come to be recorded another way.
"""

from notifications.selectors import users_with_permission
from portal.models import Role, User

QA_LEAD_PERMISSION = "assessments.lead_qa"


def is_qa_lead(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.TRAINER
        and user.has_perm(QA_LEAD_PERMISSION)
    )


def qa_lead_ids() -> list[int]:
    """Ids of the active QA leads, in id order."""
    return list(
        User.objects.filter(pk__in=users_with_permission(QA_LEAD_PERMISSION), role=Role.TRAINER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
