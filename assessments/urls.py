from django.urls import path

from assessments.certificates import views as certificate_views
from assessments.quizzes import views as quiz_views
from assessments.scorecards import views as scorecard_views
from assessments.scoring import views

app_name = "assessments"

urlpatterns: list = []

# Quizzes, question banks, certificates, scorecards
urlpatterns += [
    path("quizzes/", quiz_views.my_quizzes, name="my-quizzes"),
    path("quizzes/<int:quiz_id>/", quiz_views.quiz_detail, name="quiz-detail"),
    path("quizzes/<int:quiz_id>/start/", quiz_views.attempt_start, name="quiz-start"),
    path("attempts/<int:attempt_id>/", quiz_views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", quiz_views.attempt_answer, name="attempt-answer"),
    path("attempts/<int:attempt_id>/submit/", quiz_views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:attempt_id>/result/", quiz_views.attempt_result, name="attempt-result"),
    path("grading/", quiz_views.grading_queue, name="grading-queue"),
    path("grading/<int:item_id>/", quiz_views.essay_grade, name="essay-grade"),
    path("banks/", quiz_views.bank_list, name="bank-list"),
    path("banks/import/", quiz_views.QuestionImportView.as_view(), name="question-import"),
    path("banks/<int:bank_id>/export/", quiz_views.bank_export, name="bank-export"),
    path("certificates/", certificate_views.my_certificates, name="my-certificates"),
    path(
        "certificates/<int:certificate_id>/pdf/",
        certificate_views.certificate_download,
        name="certificate-pdf",
    ),
    path("certificates/manage/", certificate_views.certificate_admin, name="certificate-admin"),
    path("certificates/types/", certificate_views.certification_type_list, name="certification-type-list"),
    path("certificates/types/new/", certificate_views.certification_type_edit, name="certification-type-new"),
    path(
        "certificates/types/<int:pk>/",
        certificate_views.certification_type_edit,
        name="certification-type-edit",
    ),
    path(
        "certificates/<int:certificate_id>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate-revoke",
    ),
    path("certificates/batches/", certificate_views.batch_start, name="certificate-batch-start"),
    path("certificates/batches/<int:batch_id>/", certificate_views.batch_detail, name="certificate-batch"),
    path(
        "certificates/batches/<int:batch_id>/pdf/",
        certificate_views.batch_download,
        name="certificate-batch-pdf",
    ),
    path("evaluations/", scorecard_views.my_evaluations, name="my-evaluations"),
    path("evaluations/<int:evaluation_id>/", scorecard_views.evaluation_detail, name="evaluation-detail"),
    path(
        "evaluations/<int:evaluation_id>/dispute/",
        scorecard_views.evaluation_dispute,
        name="evaluation-dispute",
    ),
    path(
        "evaluations/<int:evaluation_id>/resolve/",
        scorecard_views.evaluation_resolve,
        name="evaluation-resolve",
    ),
    path("evaluations/disputes/", scorecard_views.dispute_queue, name="dispute-queue"),
    path("scorecards/new/", scorecard_views.scorecard_new, name="scorecard-new"),
    path("evaluations/import/", scorecard_views.EvaluationImportView.as_view(), name="evaluation-import"),
]
# Monthly performance scores
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
    path("scores/coaching/review/<int:lesson_id>/", views.coaching_review, name="coaching-review"),
]
