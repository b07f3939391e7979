from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns: list = []

# --- Monthly performance scores (issue 6) --------------------------------------------------------------------
urlpatterns += [
    path("scores/", views.overview, name="scores-overview"),
    path("scores/me/", views.my_scores, name="my-scores"),
    path("scores/staff/<str:employee_no>/", views.staff_scores, name="staff-scores"),
    path("scores/export/", views.export, name="scores-export"),
    path("scores/import/", views.KpiImportView.as_view(), name="kpi-import"),
    path("scores/recompute/", views.recompute, name="scores-recompute"),
    path("scores/policy/", views.policy_list, name="policy-list"),
    path("scores/policy/new/", views.policy_edit, name="policy-new"),
    path("scores/policy/<int:pk>/", views.policy_edit, name="policy-edit"),
    path("scores/coaching/modules/", views.coaching_modules_edit, name="coaching-modules"),
]
# --- end of monthly performance scores -----------------------------------------------------------------------
