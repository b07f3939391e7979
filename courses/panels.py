"""Editor guidance in the Wagtail admin: a programme's planned hours and online/offline split against the policy."""

from wagtail.admin.panels import Panel

from courses.hooks import panel_context


class ProgrammePlanPanel(Panel):
    """Read-only panel on the programme edit form: totals of its live and draft lessons, and policy warnings."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/programme_plan_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            instance = self.instance
            kind = self.form["kind"].value() if self.form is not None and "kind" in self.form.fields else None
            kind = kind or getattr(instance, "kind", "") or ""
            context.update(
                panel_context("programme_plan", programme=instance if instance.pk else None, kind=kind)
            )
            return context
