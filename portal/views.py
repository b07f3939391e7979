from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView

from portal import credentials, services
from portal.access import can_manage_people, staff_get_for_user, staff_visible_to, visibility_scope
from portal.importing import IMPORT_TARGETS
from portal.models import ImportMapping, ImportMappingVersion
from portal.navigation import home_panels_for
from portal.staff_file import STAFF_COLUMNS
from portal.tabular.mapping import mapping_text, mapping_text_parse
from portal.uploads import ImportUploadView


@login_required
def home(request):
    return render(request, "portal/home.html", {"panels": home_panels_for(request)})


@login_required
def profile(request, employee_no=None):
    person = staff_get_for_user(request.user, employee_no=employee_no or request.user.employee_no)
    return render(
        request,
        "portal/profile.html",
        {
            "person": person,
            "is_self": person.pk == request.user.pk,
            "can_invite": can_manage_people(request.user),
        },
    )


@login_required
@require_POST
def staff_invite(request, employee_no):
    """HR sends the invitation (allauth's password-reset e-mail) so an imported person can set a password."""
    if not can_manage_people(request.user):
        raise PermissionDenied
    person = staff_get_for_user(request.user, employee_no=employee_no)
    try:
        services.staff_invite(user=person, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": person.email})
    return redirect("portal:profile", employee_no=person.employee_no)


@login_required
def staff_directory(request):
    """The people the viewer may see: their team, their department, or everyone for HR."""
    people = staff_visible_to(request.user).filter(is_active=True).select_related("department", "team")
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(name__icontains=query) | people.filter(employee_no__icontains=query)
    page = Paginator(people.order_by("employee_no"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/staff_directory.html",
        {
            "page": page,
            "query": query,
            "scope": visibility_scope(request.user),
        },
    )


class StaffImportView(ImportUploadView):
    takes_mapping = True
    kind = "staff"
    permission_required = "portal.import_staff"
    title = _("Import staff roster")
    columns = STAFF_COLUMNS
    help_text = _(
        "Roles: new_hire, agent, team_lead, manager, trainer, hr, admin. Dates as YYYY-MM-DD. "
        "A blank onboarded_on keeps a recorded completion."
    )
    success_url = "portal:staff-directory"

    service = staticmethod(services.staff_import)


class ImportMappingForm(forms.Form):
    name = forms.CharField(label=_("Name (the source system)"), max_length=100)
    kind = forms.ChoiceField(label=_("Import"), choices=())
    text = forms.CharField(
        label=_("Columns"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One line each: “source column = our column”, or “our rate = numerator column / denominator column” "
            "for a rate computed from two counts (× 100, rounded half-up to 2 places)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, kind) for kind in sorted(IMPORT_TARGETS)]


@login_required
def import_mappings(request):
    """HR's saved column mappings: each with its versions; saving adds a version (audited, never edits one)."""
    if not request.user.has_perm("portal.change_importmapping"):
        raise PermissionDenied
    form = ImportMappingForm(request.POST or None, initial=_mapping_initial(request.GET.get("name")))
    if request.method == "POST" and form.is_valid():
        columns, rates, problems = mapping_text_parse(form.cleaned_data["text"])
        try:
            if problems:
                raise ValidationError(problems)
            version = services.import_mapping_save(
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                columns=columns,
                rates={target: list(pair) for target, pair in rates.items()},
                acting_user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("text", message)
        else:
            messages.success(request, gettext("Saved %(mapping)s.") % {"mapping": version})
            return redirect("portal:import-mappings")
    mappings = ImportMapping.objects.prefetch_related("versions").order_by("name")
    return render(
        request,
        "portal/import_mappings.html",
        {"form": form, "mappings": mappings, "targets": sorted(IMPORT_TARGETS.items())},
    )


def _mapping_initial(name: str | None) -> dict:
    version = (
        ImportMappingVersion.objects.filter(mapping__name=name)
        .select_related("mapping")
        .order_by("-number")
        .first()
        if name
        else None
    )
    if version is None:
        return {}
    return {
        "name": version.mapping.name,
        "kind": version.mapping.kind,
        "text": mapping_text(version.columns, version.rates),
    }


# The issuer of Open Badges credentials and its keys: public (no login), stable addresses that every credential
# names, read by any verifier.
def _public_json(data) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def credential_issuer(request):
    return _public_json(credentials.issuer_document(request))


def credential_keys(request):
    return _public_json({"keys": credentials.key_set(request)})


def credential_key(request, kid):
    key = next((k for k in credentials.key_set(request) if credentials.thumbprint_of(k["kid"]) == kid), None)
    if key is None:
        raise Http404
    return _public_json(key)


class FaviconRedirectView(RedirectView):
    """/favicon.ico, which browsers ask for before reading the page's icon link, to the bundled icon (its hashed
    name is known only once the static files are collected, so it is looked up per request)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("portal/favicon.svg")
