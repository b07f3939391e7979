"""Answers to other apps' signals: each only calls this app's service."""

from incentives import services


def on_evaluation_revised_after_publication(sender, *, evaluation, acting_user, **kwargs) -> None:
    services.star_revision_flag(evaluation=evaluation, acting_user=acting_user)


def on_score_summaries_stored(sender, *, month, generation, **kwargs) -> None:
    services.star_summary_refresh(month=month, generation=generation)
