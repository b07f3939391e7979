"""Answers to other apps' signals: each only calls this app's service."""

from incentives import services
from incentives.selectors import WALL_SCOPE
from portal.cache import MONTH_CLOSE_SCOPE, learners_invalidate, scope_invalidate


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


def awards_panel_scopes(user) -> list[str]:
    """The home page's awards panel: the person's awards and suggestions, and the latest published month."""
    from portal.cache import learner_scope

    return [learner_scope(user.pk), WALL_SCOPE]


def _award_changed(sender, instance, **kwargs):
    learners_invalidate([instance.staff_id])


def _suggestion_changed(sender, instance, **kwargs):
    learners_invalidate([instance.submitter_id])


def connect_learner_invalidation() -> None:
    """A person's award or suggestion saved or deleted makes their cached home panels stale; awards written in
    bulk (a publication and its undoing) replace `WALL_SCOPE`, which the panel also reads."""
    from django.db.models.signals import post_delete, post_save

    from incentives.models import Award, Suggestion

    for signal in (post_save, post_delete):
        signal.connect(_award_changed, sender=Award, dispatch_uid="incentives.learner.Award")
        signal.connect(_suggestion_changed, sender=Suggestion, dispatch_uid="incentives.learner.Suggestion")
