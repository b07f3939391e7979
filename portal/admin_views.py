"""Wagtail admin views whose save runs the app's service, as Wagtail's own generic views run an action class.

A viewset built on `ServiceModelViewSet` gives its create, edit and delete views a `save_instance` /
`delete_action` that calls the app's services with the request user and the reason written on the form, so the
admin, the portal pages and the commands write the same rows and the same audit trail. A service's refusal (a
ValidationError, or MonthLockedError for a published month) shows as a form error, never as a server error.
Records that only services write (audit events, awards, publications) are `read_only_in_admin`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.services import MonthLockedError
from portal.stepup import require_step_up

REASON_FIELD = "change_reason"
REFUSALS = (ValidationError, MonthLockedError)


def reason_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for this change"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail with who changed what and when."),
    )


def form_add_refusal(form: forms.Form, exc: Exception) -> None:
    """Show a service's refusal on `form`: on the field it names, else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        form.add_error(None, message)


class StepUpMixin:
    """Saving or deleting through a viewset with `step_up` (money and policy) asks for the password again when
    this session authenticated over 15 minutes ago (`portal.stepup`)."""

    def post(self, request, *args, **kwargs):
        if getattr(self.service_viewset, "step_up", False):
            require_step_up(request)
        return super().post(request, *args, **kwargs)


class ServiceFormMixin(StepUpMixin):
    """For create and edit views: a refusal of the service that `save_instance` calls becomes a form error."""

    service_viewset = None

    def form_values(self) -> dict:
        """The form's cleaned model fields (the reason for the change is not one of them)."""
        return {name: value for name, value in self.form.cleaned_data.items() if name != REASON_FIELD}

    def change_reason(self) -> str:
        return self.form.cleaned_data.get(REASON_FIELD, "")

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except REFUSALS as exc:
            form_add_refusal(form, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        return self.service_viewset.service_create(
            self.form_values(), reason=self.change_reason(), acting_user=self.request.user
        )


class ServiceEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        # The form has already set the new values on self.object: the service reads the stored row itself.
        return self.service_viewset.service_update(
            self.object, self.form_values(), reason=self.change_reason(), acting_user=self.request.user
        )


class ReasonForm(forms.Form):
    change_reason = reason_field(required=False)


class ServiceDeleteView(StepUpMixin, generic.DeleteView):
    form_class = ReasonForm
    template_name = "portal/admin/confirm_delete.html"
    service_viewset = None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields[REASON_FIELD].required = self.service_viewset.reason_required
        return form

    def delete_action(self):
        self.service_viewset.service_delete(
            self.object, reason=self.change_reason, acting_user=self.request.user
        )

    def form_valid(self, form):
        self.change_reason = form.cleaned_data.get(REASON_FIELD, "")
        try:
            return super().form_valid(form)
        except REFUSALS as exc:
            form_add_refusal(form, exc)
            return self.form_invalid(form)


class ServiceModelViewSet(ModelViewSet):
    """A ModelViewSet (with `form_fields`) whose create, edit, copy and delete views call the app's services
    through `service_create`, `service_update` and `service_delete`, which subclasses implement. Its forms carry
    a reason for the change (required when `reason_required`)."""

    reason_required = False
    #: Money and policy: saving asks for the password again when this session's sign-in is old.
    step_up = False
    #: The ModelForm the create and edit forms build on (its clean methods may normalise or check input).
    base_form_class = forms.ModelForm
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    delete_view_class = ServiceDeleteView

    def service_create(self, values: dict, *, reason: str, acting_user):
        raise TypeError(f"{type(self).__name__} must define service_create()")

    def service_update(self, instance, changes: dict, *, reason: str, acting_user):
        raise TypeError(f"{type(self).__name__} must define service_update()")

    def service_delete(self, instance, *, reason: str, acting_user) -> None:
        raise TypeError(f"{type(self).__name__} must define service_delete()")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(service_viewset=self, **kwargs)

    def get_form_class(self, for_update=False):
        base = modelform_factory(
            self.model,
            form=self.base_form_class,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.get_form_fields(),
            exclude=self.get_exclude_form_fields(),
        )
        return type(base.__name__, (base,), {REASON_FIELD: reason_field(required=self.reason_required)})

    @cached_property
    def copy_view_class(self):
        return type(f"{self.add_view_class.__name__}Copy", (generic.CopyViewMixin, self.add_view_class), {})


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The admin lists and inspects the model for those who may view it; nobody, superusers included, adds,
    changes or deletes it there."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action == "view"])


class WritersPermissionPolicy(ModelPermissionPolicy):
    """The model's own permissions, and adding, changing or deleting also needs `may_write(user)`: a narrower
    group than the permission's holders (the QA leads among the trainers), so the admin hides what the service
    would refuse."""

    def __init__(self, model, *, may_write, **kwargs):
        super().__init__(model, **kwargs)
        self.may_write = may_write

    def user_has_permission(self, user, action):
        if action != "view" and not self.may_write(user):
            return False
        return super().user_has_permission(user, action)


def read_only_in_admin(*models) -> None:
    """Register the read-only policy for `models`; call when the admin module is imported, before the viewsets
    are registered."""
    for model in models:
        register_permission_policy(model, ReadOnlyPermissionPolicy(model))
