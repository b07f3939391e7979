"""What each event tells the other systems (`data` of a webhook) and each learning event's xAPI statement, read
from the records the lower apps just wrote. Employee numbers identify people; no e-mail address leaves."""

import uuid
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events import rules
from portal.models import User

# Above this many people a `scores.updated` event names none: the receiver reads the whole month.
SCORES_NAMED_LIMIT = 1000


def absolute(path: str) -> str:
    return urljoin(settings.PORTAL_BASE_URL.rstrip("/") + "/", path.lstrip("/"))


def _employee_no(user) -> str | None:
    return user.employee_no if user else None


def month_published_data(publication) -> dict:
    from incentives.models import Award

    month = f"{publication.month:%Y-%m}"
    awards = Award.objects.filter(publication=publication, revoked_at__isnull=True).select_related("staff")
    return {
        "month": month,
        "publication": publication.pk,
        "published_at": timezone.localtime(publication.published_at).isoformat(),
        "published_by": _employee_no(publication.published_by),
        "winners": [award.staff.employee_no for award in sorted(awards, key=lambda a: (a.rank or 0, a.pk))],
        "award_yuan": sum(award.amount_yuan for award in awards),
        "payouts": absolute(reverse("api:payouts", args=[month])),
    }


def month_unpublished_data(publication) -> dict:
    month = f"{publication.month:%Y-%m}"
    return {
        "month": month,
        "publication": publication.pk,
        "undone_at": timezone.localtime(publication.undone_at).isoformat(),
        "undone_by": _employee_no(publication.undone_by),
        "reason": publication.undo_reason,
        "payouts": absolute(reverse("api:payouts", args=[month])),
    }


def scores_updated_data(month, staff_ids) -> dict:
    text = f"{month:%Y-%m}"
    named = None
    if len(staff_ids) <= SCORES_NAMED_LIMIT:
        named = sorted(User.objects.filter(pk__in=staff_ids).values_list("employee_no", flat=True))
    return {
        "month": text,
        "changed": len(staff_ids),
        "employee_nos": named,
        "scores": absolute(reverse("api:scores", args=[text])),
    }


def certificate_data(certificate) -> dict:
    return {
        "number": certificate.number,
        "kind": certificate.kind,
        "holder": certificate.holder.employee_no,
        "programme": certificate.programme_title,
        "status": "revoked" if certificate.revoked_at else certificate.status,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "verify": absolute(reverse("certificate-verify", args=[certificate.token])),
    }


# --- xAPI statements -----------------------------------------------------------------------------------------


def _statement(person, verb: str, **fields) -> tuple:
    statement = rules.xapi_statement(
        statement_id=str(uuid.uuid4()),
        home_page=settings.PORTAL_BASE_URL,
        employee_no=person.employee_no,
        verb=verb,
        **fields,
    )
    return (person.pk, verb, statement)


def lesson_statement(completion) -> tuple:
    """Completed (online, or by passing its quiz) or attended (an offline session the trainer recorded)."""
    lesson = completion.lesson
    attended = completion.via == "attendance"
    return _statement(
        completion.staff,
        "attended" if attended else "completed",
        object_id=absolute(lesson.get_url() or lesson.url_path),
        object_name=lesson.title,
        activity_type="meeting" if attended else "lesson",
        timestamp=timezone.localtime(completion.recorded_at),
    )


def quiz_statement(attempt) -> tuple:
    quiz = attempt.quiz
    return _statement(
        attempt.staff,
        "passed" if attempt.passed else "failed",
        object_id=absolute(reverse("assessments:quiz-detail", args=[quiz.pk])),
        object_name=quiz.title,
        activity_type="assessment",
        timestamp=timezone.localtime(attempt.submitted_at or timezone.now()),
        result=rules.quiz_result(percent=attempt.percent, passed=bool(attempt.passed)),
    )


def certificate_statement(certificate) -> tuple:
    return _statement(
        certificate.holder,
        "earned",
        object_id=absolute(reverse("certificate-verify", args=[certificate.token])),
        object_name=f"{certificate.programme_title} ({certificate.number})",
        activity_type="certificate",
        timestamp=timezone.localtime(certificate.created_at or timezone.now()),
    )
