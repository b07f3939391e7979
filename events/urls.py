from django.urls import path

from events import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<int:pk>/toggle/", views.endpoint_toggle, name="toggle"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="resend"),
    path("statements/<uuid:pk>/resend/", views.statement_resend, name="statement-resend"),
]
