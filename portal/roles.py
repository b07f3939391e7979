"""Roles map to Django groups; each group's permissions are declared here and kept in step on every migrate.

The groups themselves come from a migration (so a freshly migrated database has them); `sync_role_groups`
runs after every `migrate` and gives each group exactly the permissions below that exist so far, so an app
that adds models later only has to add its codenames here.
"""

from portal.models import Role

ADMIN_ACCESS = "wagtailadmin.access_admin"

# Codenames as "app_label.codename". Codenames that do not exist (yet) are skipped.
_CONTENT_EDITING = [
    ADMIN_ACCESS,
    "wagtailcore.add_page",
    "wagtailcore.change_page",
    "wagtailcore.publish_page",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

# The learning-records admin viewsets (Wagtail admin): trainers and HR read them, HR corrects them (through the
# audited services, which refuse a published month).
_LEARNING_RECORDS_VIEW = [
    "courses.view_trainingrecord",
    "courses.view_enrolment",
    "courses.view_lessoncompletion",
    "courses.view_soprevision",
]

_QUIZ_ADMIN = [
    f"assessments.{verb}_{model}"
    for model in (
        "questionbank",
        "question",
        "questioncategory",
        "quiz",
        "quizquestion",
        "rubric",
        "rubriccriterion",
        "criterionrule",
    )
    for verb in ("add", "change", "delete", "view")
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.NEW_HIRE: [],
    Role.AGENT: [],
    Role.TEAM_LEAD: ["portal.view_team_reports", "incentives.nominate_cases"],
    Role.MANAGER: ["portal.view_department_reports", "incentives.review_suggestions"],
    Role.TRAINER: [
        *_CONTENT_EDITING,
        "courses.record_attendance",
        *_LEARNING_RECORDS_VIEW,
        "assessments.manage_questions",
        "assessments.evaluate_staff",
        *_QUIZ_ADMIN,
    ],
    Role.HR: [
        *_CONTENT_EDITING,
        "portal.view_user",
        "portal.add_user",
        "portal.change_user",
        "portal.view_department",
        "portal.add_department",
        "portal.change_department",
        "portal.view_team",
        "portal.add_team",
        "portal.change_team",
        "portal.import_staff",
        "portal.view_importmapping",
        "portal.add_importmapping",
        "portal.change_importmapping",
        "portal.view_auditevent",
        "portal.view_importrun",
        "courses.record_attendance",
        "courses.import_training_records",
        *_LEARNING_RECORDS_VIEW,
        "courses.add_trainingrecord",
        "courses.change_trainingrecord",
        "courses.delete_trainingrecord",
        "courses.add_enrolment",
        "courses.change_enrolment",
        "courses.delete_enrolment",
        "assessments.manage_questions",
        "assessments.evaluate_staff",
        "assessments.import_evaluations",
        "assessments.import_kpis",
        "assessments.import_calls",
        "assessments.manage_qa",
        "assessments.manage_policy",
        "assessments.manage_certificates",
        "assessments.manage_qa_leads",
        "assessments.review_critical_failures",
        *_QUIZ_ADMIN,
        "incentives.manage_service_stars",
        "incentives.manage_awards",
        "incentives.publish_service_stars",
        "incentives.review_suggestions",
        "incentives.decide_suggestions",
        "incentives.view_awardpolicy",
        "incentives.add_awardpolicy",
        "incentives.change_awardpolicy",
        "incentives.delete_awardpolicy",
        "incentives.view_servicestarpublication",
        "incentives.view_award",
        "notifications.manage_notifications",
    ],
}
# Administrators hold every HR permission; they are also Django superusers for system settings.
ROLE_PERMISSIONS[Role.ADMIN] = [
    *ROLE_PERMISSIONS[Role.HR],
    "api.manage_api_clients",
    "events.manage_webhooks",
]


# Wagtail page permissions (granted on the root page, so on the whole curriculum).
PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.TRAINER: ["add_page", "change_page", "publish_page"],
    Role.HR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
    Role.ADMIN: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
}


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups(apps=None, **kwargs) -> None:
    """Create the role groups and set each one's permissions to exactly those declared above."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    wanted = {code for codes in ROLE_PERMISSIONS.values() for code in codes}
    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={c.split(".", 1)[1] for c in wanted}
        )
    }
    groups = {}
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set([by_code[c] for c in codes if c in by_code])
        groups[role] = group
    _sync_page_permissions(registry, groups)


def _sync_page_permissions(registry, groups) -> None:
    Page = registry.get_model("wagtailcore", "Page")
    GroupPagePermission = registry.get_model("wagtailcore", "GroupPagePermission")
    Permission = registry.get_model("auth", "Permission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    page_perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="wagtailcore", content_type__model="page")
    }
    for role, codes in PAGE_PERMISSIONS.items():
        for code in codes:
            if code in page_perms:
                GroupPagePermission.objects.get_or_create(
                    group=groups[role], page=root, permission=page_perms[code]
                )
