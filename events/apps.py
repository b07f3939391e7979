from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events to other systems")

    def ready(self):
        from assessments.certificates.signals import certificate_changed
        from assessments.quizzes.signals import attempt_graded
        from assessments.scoring.signals import scores_stored
        from courses.signals import lesson_completed
        from events import receivers
        from incentives.signals import month_published, month_unpublished
        from portal.audit import register_action_labels
        from portal.navigation import register_nav

        month_published.connect(receivers.on_month_published, dispatch_uid="events.month_published")
        month_unpublished.connect(receivers.on_month_unpublished, dispatch_uid="events.month_unpublished")
        scores_stored.connect(receivers.on_scores_stored, dispatch_uid="events.scores_stored")
        certificate_changed.connect(
            receivers.on_certificate_changed, dispatch_uid="events.certificate_changed"
        )
        attempt_graded.connect(receivers.on_attempt_graded, dispatch_uid="events.attempt_graded")
        lesson_completed.connect(receivers.on_lesson_completed, dispatch_uid="events.lesson_completed")
        register_action_labels(
            {
                "webhooks.endpoint.create": _("Webhook endpoint registered"),
                "webhooks.endpoint.disable": _("Webhook endpoint switched off"),
                "webhooks.endpoint.enable": _("Webhook endpoint switched on"),
                "webhooks.resend": _("Webhook sent again"),
                "xapi.resend": _("Learning record sent to the LRS again"),
            }
        )
        register_nav(_("Webhooks"), "webhooks:list", order=91, permission="events.manage_webhooks")
