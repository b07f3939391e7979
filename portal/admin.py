"""Wagtail admin viewsets of the people app: HR manages departments, teams and staff (staff through the staff
services, with an invitation button) and reads the audit trail and the imports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from portal.access import can_manage_people
from portal.admin_views import ServiceCreateView, ServiceEditView, read_only_in_admin
from portal.models import AuditEvent, Department, ImportRun, Team, User
from portal.services import staff_create, staff_invite, staff_update

# Written only by their services (with the audit trail): never edited in the admin.
read_only_in_admin(AuditEvent, ImportRun)


class DepartmentViewSet(ModelViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name"]
    search_fields = ["name"]
    form_fields = ["name"]


class TeamViewSet(ModelViewSet):
    model = Team
    icon = "group"
    menu_label = _("Teams")
    list_display = ["name", "department"]
    list_filter = ["department"]
    search_fields = ["name"]
    form_fields = ["department", "name"]


class StaffCreateView(ServiceCreateView):
    def save_instance(self):
        return staff_create(**self.form_values(), acting_user=self.request.user)


class StaffEditView(ServiceEditView):
    invite_url_name = None

    def save_instance(self):
        # The form has already set the new values on self.object: the service compares with the stored row.
        stored = User.objects.get(pk=self.object.pk)
        return staff_update(user=stored, acting_user=self.request.user, **self.form_values())

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.invite_url_name and can_manage_people(self.request.user):
            buttons.append(
                Button(
                    _("Send invitation e-mail"),
                    url=reverse(self.invite_url_name, args=[self.object.pk]),
                    icon_name="mail",
                    priority=40,
                )
            )
        return buttons


class StaffInviteView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then send a staff member the e-mail with a link to set their password (portal.services)."""

    template_name = "portal/admin/staff_invite.html"
    page_title = _("Send invitation e-mail")
    header_icon = "mail"
    edit_url_name = None

    def dispatch(self, request, *args, pk, **kwargs):
        if not can_manage_people(request.user):
            raise PermissionDenied
        self.person = get_object_or_404(User, pk=pk)
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_subtitle(self):
        return str(self.person)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person, edit_url=reverse(self.edit_url_name, args=[self.person.pk]), **kwargs
        )

    def post(self, request, *args, **kwargs):
        try:
            staff_invite(user=self.person, acting_user=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": self.person.email})
        return redirect(self.edit_url_name, self.person.pk)


class StaffViewSet(ModelViewSet):
    model = User
    icon = "user"
    menu_label = _("Staff")
    url_prefix = "staff"
    list_display = ["employee_no", "name", "role", "department", "team", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["employee_no", "name", "email"]
    list_per_page = 50
    copy_view_enabled = False
    add_view_class = StaffCreateView
    edit_view_class = StaffEditView
    panels = [
        FieldPanel("employee_no"),
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("department"),
        FieldPanel("team"),
        FieldPanel("role"),
        FieldPanel("hire_date"),
        FieldPanel("onboarded_on"),
        FieldPanel("is_active"),
    ]

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(invite_url_name=self.get_url_name("invite"), **kwargs)

    @property
    def invite_view(self):
        return self.construct_view(StaffInviteView, edit_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("invite/<int:pk>/", self.invite_view, name="invite")]


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Audit trail")
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "reason"]
    list_filter = ["action"]
    search_fields = ["action", "reason", "target_id"]
    inspect_view_enabled = True
    form_fields = []


class ImportRunViewSet(ModelViewSet):
    model = ImportRun
    icon = "upload"
    menu_label = _("Imports")
    list_display = ["created_at", "kind", "file_name", "month", "created", "updated", "replaced", "actor"]
    list_filter = ["kind"]
    inspect_view_enabled = True
    form_fields = []
