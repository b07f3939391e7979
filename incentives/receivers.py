"""Answers to other apps' signals: each only calls this app's service."""

from incentives import services
from incentives.selectors import WALL_SCOPE
from portal.cache import MONTH_CLOSE_SCOPE, scope_invalidate


def on_evaluation_revised_after_publication(sender, *, evaluation, acting_user, **kwargs) -> None:
    services.star_revision_flag(evaluation=evaluation, acting_user=acting_user)


def on_score_summaries_stored(sender, *, month, generation, **kwargs) -> None:
    services.star_summary_refresh(month=month, generation=generation)


# Saves that only sign someone in (or set their password) change nothing the wall shows.
_SIGN_IN_FIELDS = frozenset({"last_login", "password"})


def on_wall_content_changed(sender, **kwargs) -> None:
    """Awards, publications, nominations, people, teams or departments changed: the wall is rendered again."""
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= _SIGN_IN_FIELDS:
        return
    scope_invalidate(WALL_SCOPE)


def _month_close_changed(sender, **kwargs):
    scope_invalidate(MONTH_CLOSE_SCOPE)


def connect_month_close_invalidation() -> None:
    """Every saved or deleted row that the close checklist or the Service Star review shows makes the cached
    review stale (`MONTH_CLOSE_SCOPE`); the services that write such rows past `save()` replace it themselves."""
    from django.db.models.signals import post_delete, post_save

    from assessments.models import Evaluation
    from incentives.models import (
        ServiceStarExclusion,
        ServiceStarPublication,
        ServiceStarRound,
        StarRevisionReview,
        StarSummary,
    )
    from portal.models import ImportRun

    for model in (
        Evaluation,
        ImportRun,
        ServiceStarExclusion,
        ServiceStarPublication,
        ServiceStarRound,
        StarRevisionReview,
        StarSummary,
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                _month_close_changed, sender=model, dispatch_uid=f"incentives.month_close.{model.__name__}"
            )
