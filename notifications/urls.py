from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("queue/", views.work_queue, name="queue"),
    path("read-all/", views.notifications_read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:delivery_id>/resend/", views.delivery_resend, name="resend"),
    path("settings/", views.policy, name="policy"),
]
