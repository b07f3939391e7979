"""/api/v1/ (the integration API, its schema and docs) and the administrators' page of API clients."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from api import pages, problems, views

v1 = [
    path("openapi.json", SpectacularJSONAPIView.as_view(urlconf="api.urls"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("imports/staff", views.StaffImportView.as_view(), name="import-staff"),
    path(
        "imports/training-records", views.TrainingRecordsImportView.as_view(), name="import-training-records"
    ),
    path("imports/evaluations", views.EvaluationsImportView.as_view(), name="import-evaluations"),
    path("months/<str:month>/kpis", views.KpiImportView.as_view(), name="import-kpis"),
    path("months/<str:month>/scores", views.ScoresView.as_view(), name="scores"),
    path("months/<str:month>/service-stars", views.ServiceStarsView.as_view(), name="service-stars"),
    path("months/<str:month>/payouts", views.PayoutsView.as_view(), name="payouts"),
    path("certificates/<str:number>", views.CertificateView.as_view(), name="certificate"),
    re_path(r"^.*$", problems.not_found),
]

clients = [
    path("", pages.client_list, name="list"),
    path("<int:pk>/revoke/", pages.client_revoke, name="revoke"),
]

urlpatterns = [
    path("api/v1/", include((v1, "api"))),
    path("portal/api-clients/", include((clients, "api-clients"))),
]
