from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from bench.baseline_site.models import Staff


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


def staff(request, pk):
    person = get_object_or_404(Staff, pk=pk)
    return HttpResponse(f"{person.employee_no} {person.name}", content_type="text/plain; charset=utf-8")


urlpatterns = [path("ping/", ping), path("staff/<int:pk>/", staff)]
