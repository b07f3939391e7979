from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from portal.models import Role
        from portal.navigation import register_home_panel, register_nav

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
        register_home_panel("incentives/panels/awards.html", _awards_panel, order=60)


def _awards_panel(request):
    from incentives.selectors import awards_for_staff, wall_months

    awards = awards_for_staff(request.user)[:3]
    latest = wall_months(limit=1)
    if not awards and not latest:
        return None
    return {"awards": awards, "latest": latest[0] if latest else None}
