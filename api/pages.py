"""The administrators' page of API clients: create one (its token shown once), see when each was last used,
revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from api.models import ApiClient, Scope
from api.services import MANAGE_PERMISSION, api_client_create, api_client_revoke


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=28)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave blank for one year from today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
@permission_required(MANAGE_PERMISSION, raise_exception=True)
def client_list(request):
    token = None
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, token = api_client_create(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiClientForm()
            messages.success(
                request, gettext("Client %(name)s created. Copy its token now.") % {"name": client.name}
            )
    return render(
        request,
        "api/clients.html",
        {"form": form, "token": token, "clients": ApiClient.objects.select_related("created_by")},
    )


@login_required
@permission_required(MANAGE_PERMISSION, raise_exception=True)
@require_POST
def client_revoke(request, pk):
    client = api_client_revoke(client=get_object_or_404(ApiClient, pk=pk), acting_user=request.user)
    messages.success(request, gettext("Client %(name)s revoked.") % {"name": client.name})
    return redirect("api-clients:list")
