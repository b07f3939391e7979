from django.urls import path

from assessments.calibration import views as calibration_views
from assessments.certificates import views as certificate_views
from assessments.leadership import views as leadership_views
from assessments.qa import views as qa_views
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
    path("attempts/<int:attempt_id>/activity/", quiz_views.attempt_activity, name="attempt-activity"),
    path("attempts/<int:attempt_id>/appeal/", quiz_views.attempt_appeal, name="attempt-appeal"),
    path("reviews/", quiz_views.review_queue, name="review-queue"),
    path("reviews/<int:attempt_id>/", quiz_views.review_detail, name="review-detail"),
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
    path(
        "certificates/<int:certificate_id>/credential.json",
        certificate_views.credential_download,
        name="certificate-credential",
    ),
    path(
        "certificates/<int:certificate_id>/badge.png",
        certificate_views.credential_badge,
        name="certificate-badge",
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
    path(
        "evaluations/<int:evaluation_id>/review/",
        scorecard_views.evaluation_review,
        name="evaluation-review",
    ),
    path(
        "evaluations/<int:evaluation_id>/critical-review/",
        scorecard_views.evaluation_critical_review,
        name="evaluation-critical-review",
    ),
    path("evaluations/disputes/", scorecard_views.dispute_queue, name="dispute-queue"),
    path("evaluations/critical/", scorecard_views.critical_failures, name="critical-failures"),
    path("qa-leads/", scorecard_views.qa_leads, name="qa-leads"),
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
# QA: the call list, the monthly spot-check sample, coverage and the sampled calls' evaluations
urlpatterns += [
    path("qa/calls/import/", qa_views.call_import, name="call-import"),
    path("qa/calls/import/<int:job_id>/", qa_views.call_import_job, name="call-import-job"),
    path("qa/coverage/", qa_views.coverage, name="qa-coverage"),
    path("qa/sample/", qa_views.sample_draw, name="qa-sample"),
    path("qa/policy/", qa_views.policy_edit, name="qa-policy"),
    path("qa/capacity/", qa_views.capacity_list, name="qa-capacity"),
    path("qa/capacity/<str:employee_no>/", qa_views.capacity_edit, name="qa-capacity-edit"),
    path("qa/calls/", qa_views.my_sampled_calls, name="qa-my-calls"),
    path("qa/calls/<int:sampled_call_id>/", qa_views.sampled_call_evaluate, name="qa-sampled-call"),
]

# The leadership course's effect on the managers' departments
urlpatterns += [
    path("leadership/", leadership_views.report, name="leadership-effect"),
    path("leadership/export/", leadership_views.export, name="leadership-effect-export"),
    path("leadership/<int:enrolment_id>/", leadership_views.detail, name="leadership-effect-detail"),
]

# Calibration of QA evaluators and grade-the-grader reviews
urlpatterns += [
    path("qa/calibration/", calibration_views.session_list, name="calibration"),
    path("qa/calibration/new/", calibration_views.session_new, name="calibration-new"),
    path("qa/calibration/<int:pk>/", calibration_views.session_detail, name="calibration-session"),
    path("qa/calibration/report/", calibration_views.accuracy_report, name="calibration-report"),
    path("qa/calibration/policy/", calibration_views.policy_edit, name="calibration-policy"),
    path("qa/calibration/reviews/", calibration_views.review_list, name="grader-reviews"),
    path("qa/calibration/reviews/draw/", calibration_views.review_draw, name="grader-review-draw"),
    path("qa/calibration/reviews/<int:pk>/", calibration_views.review_detail, name="grader-review"),
]
