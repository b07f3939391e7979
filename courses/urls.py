from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.my_training, name="my-training"),
    path("search/", views.curriculum_search, name="search"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson-complete"),
    path("lessons/<int:lesson_id>/activity/", views.lesson_activity, name="lesson-activity"),
    path("team/", views.team_matrix, name="team-matrix"),
    path("report/", views.completion_report, name="completion-report"),
    path("attendance/", views.attendance, name="attendance"),
    path("attendance/upload/", views.AttendanceUploadView.as_view(), name="attendance-upload"),
    path("records/import/", views.TrainingRecordImportView.as_view(), name="training-import"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/live/", views.session_live, name="session-live"),
    path("check-in/<str:token>/", views.check_in, name="check-in"),
    path("sop/", views.sop_changes, name="sop-changes"),
    path("sop/<int:pk>/", views.sop_revision_detail, name="sop-revision"),
]
