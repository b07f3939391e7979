"""Admin wiring: curriculum pages need a signed-in user, editor warnings on programmes, record viewsets."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from courses.admin import EnrolmentViewSet, LessonCompletionViewSet, SopRevisionViewSet, TrainingRecordViewSet
from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingRootPage
from courses.selectors import programme_plan, programme_plan_messages

CURRICULUM_PAGES = (TrainingRootPage, ProgrammePage, ModulePage, LessonPage)


@hooks.register("before_serve_page")
def require_login_for_curriculum(page, request, serve_args, serve_kwargs):
    if isinstance(page, CURRICULUM_PAGES) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _warn_about_plan(request, page):
    programme = page.specific if not isinstance(page, ProgrammePage) else page
    if not isinstance(programme, ProgrammePage):
        return
    for message in programme_plan_messages(programme_plan(programme=programme, kind=programme.kind)):
        messages.warning(request, message)


@hooks.register("after_create_page")
def warn_after_create(request, page):
    _warn_about_plan(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    _warn_about_plan(request, page)


class LearningViewSetGroup(ViewSetGroup):
    menu_label = _("Learning records")
    menu_icon = "list-ul"
    menu_order = 210
    items = (TrainingRecordViewSet, EnrolmentViewSet, LessonCompletionViewSet, SopRevisionViewSet)


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()
