from django.urls import path

from incentives import views

app_name = "incentives"

urlpatterns = [
    path("wall/", views.wall, name="wall"),
    path("me/", views.my_awards, name="my-awards"),
    path("staff/<str:employee_no>/", views.my_awards, name="staff-awards"),
    path("awards/<int:award_id>/letter.pdf", views.award_letter, name="award-letter"),
    path("stars/", views.star_rounds, name="star-rounds"),
    path("stars/<str:month>/", views.star_month, name="star-month"),
    path("stars/<str:month>/letters.pdf", views.star_letters, name="star-letters"),
    path("payroll/<str:month>.<str:fmt>", views.payroll_export, name="payroll"),
    path("spend/", views.spend, name="spend"),
    path("audit/", views.audit, name="audit"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<int:nomination_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:nomination_id>/evidence/", views.case_evidence, name="case-evidence"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/new/", views.suggestion_new, name="suggestion-new"),
    path("suggestions/<int:suggestion_id>/", views.suggestion_detail, name="suggestion-detail"),
]
