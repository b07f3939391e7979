"""The incentives demo: last month published with stars, a case and suggestions; running it twice adds nothing."""

import pytest

from demo import awards as demo
from demo import people as portal_demo
from incentives.models import Award, CaseNomination, ServiceStarPublication, Suggestion, SuggestionStatus
from portal.services import month_is_locked

pytestmark = pytest.mark.django_db


def test_demo_publishes_last_month_and_is_idempotent():
    portal_demo.seed()
    demo.seed()
    demo.seed()
    publication = ServiceStarPublication.objects.get()
    assert month_is_locked(publication.month)
    assert Award.objects.filter(kind="service_star", publication=publication).count() >= 1
    assert CaseNomination.objects.count() == 1 and Award.objects.filter(kind="innovation").count() == 1
    assert set(Suggestion.objects.values_list("status", flat=True)) == {
        SuggestionStatus.ADOPTED,
        SuggestionStatus.UNDER_REVIEW,
        SuggestionStatus.SUBMITTED,
    }
