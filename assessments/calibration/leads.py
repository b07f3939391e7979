"""Who is a QA lead: the one place calibration, grade-the-grader and their queue items ask.

A QA lead is an active person HR has appointed (`QaLead`, `scorecards.services.qa_lead_appoint`; only trainers/QA
people can be appointed): the same people who decide endorsed disputes.
"""

from assessments.models import QaLead
from assessments.scorecards.selectors import is_qa_lead as _appointed


def is_qa_lead(user) -> bool:
    return bool(user is not None and user.is_active and _appointed(user))


def qa_lead_ids() -> list[int]:
    """Ids of the active QA leads, in id order."""
    return list(
        QaLead.objects.filter(user__is_active=True).order_by("user_id").values_list("user_id", flat=True)
    )
