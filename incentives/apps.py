from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from assessments.scorecards.signals import evaluation_revised_after_publication
        from assessments.scoring.signals import score_summaries_stored
        from incentives import receivers, reminders
        from notifications.kinds import register_kind
        from notifications.reminders import register_decision_finder, register_reminder_finder
        from portal.models import Role
        from portal.navigation import register_home_panel, register_nav
        from portal.signals import staff_changed

        register_decision_finder(
            reminders.star_round_decisions, permissions=["incentives.manage_service_stars"]
        )
        register_decision_finder(
            reminders.case_nomination_decisions, permissions=["incentives.manage_awards"]
        )
        register_decision_finder(
            reminders.suggestion_decisions,
            permissions=[
                "incentives.review_suggestions",
                "incentives.decide_suggestions",
                "incentives.manage_awards",
            ],
        )
        register_reminder_finder(reminders.suggestion_status_reminders)
        evaluation_revised_after_publication.connect(
            receivers.on_evaluation_revised_after_publication, dispatch_uid="incentives.star_revision"
        )
        score_summaries_stored.connect(
            receivers.on_score_summaries_stored, dispatch_uid="incentives.star_summary"
        )
        receivers.connect_month_close_invalidation()
        register_kind("star_revision", _("Published Service Stars affected by a dispute"))
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from incentives.models import Award, CaseNomination, ServiceStarPublication
        from portal.models import Department, Team

        for model in (Award, ServiceStarPublication, CaseNomination, get_user_model(), Team, Department):
            for signal in (post_save, post_delete):
                signal.connect(
                    receivers.on_wall_content_changed,
                    sender=model,
                    dispatch_uid=f"incentives.wall.{model._meta.label_lower}",
                )
        staff_changed.connect(receivers.on_wall_content_changed, dispatch_uid="incentives.wall.staff")

        register_nav(_("Recognition wall"), "incentives:wall", order=60)
        register_nav(_("My awards"), "incentives:my-awards", order=61)
        register_nav(_("Suggestions"), "incentives:suggestions", order=62)
        register_nav(
            _("Case nominations"), "incentives:cases", roles=[Role.TEAM_LEAD, Role.HR, Role.ADMIN], order=63
        )
        register_nav(
            _("Service Stars"),
            "incentives:star-rounds",
            order=64,
            permission="incentives.manage_service_stars",
        )
        register_nav(
            _("Incentive spend"), "incentives:spend", order=65, permission="incentives.manage_awards"
        )
        register_home_panel(
            "incentives/panels/awards.html",
            _awards_panel,
            order=60,
            cache_scopes=receivers.awards_panel_scopes,
        )
        receivers.connect_learner_invalidation()
        register_home_panel(
            "incentives/panels/star_revisions.html",
            _star_revisions_panel,
            roles=[Role.HR, Role.ADMIN],
            order=6,
        )

        # The default award policy comes from a data migration; keep it after a flush too.
        from portal.defaults import restore_after_flush

        restore_after_flush(self, "incentives.migrations.0002_default_award_policy")


def _star_revisions_panel(request):
    """HR's home page: published months where a dispute decided since would change the winners."""
    from incentives.selectors import star_revision_reviews_pending

    if not request.user.has_perm("incentives.publish_service_stars"):
        return None
    reviews = list(star_revision_reviews_pending()[:20])
    return {"reviews": reviews} if reviews else None


def _awards_panel(request):
    from django.db.models import Count

    from incentives.models import SuggestionStatus
    from incentives.selectors import awards_for_staff, latest_published_stars

    awards = awards_for_staff(request.user, limit=3)
    latest = latest_published_stars()
    counts = dict(
        request.user.suggestions.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    suggestions = [(label, counts[value]) for value, label in SuggestionStatus.choices if counts.get(value)]
    if not awards and not latest and not suggestions:
        return None
    return {"awards": awards, "latest": latest, "suggestions": suggestions}
