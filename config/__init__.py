"""Settings (one module, from the environment), the URLs and the Celery app: above every app.
Imports the apps' urls and views modules only."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
