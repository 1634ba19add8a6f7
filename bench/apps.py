from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Load benchmark"  # development only, never in the admin: not translated
