from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal import services
from portal.access import can_manage_people, staff_get_for_user, staff_visible_to, visibility_scope
from portal.navigation import home_panels_for
from portal.staff_file import STAFF_COLUMNS
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
        messages.success(request, gettext_now("Invitation sent to %(email)s.") % {"email": person.email})
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
