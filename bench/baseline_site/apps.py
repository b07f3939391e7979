from django.apps import AppConfig


class BaselineConfig(AppConfig):
    name = "bench.baseline_site"
    label = "baseline_site"
