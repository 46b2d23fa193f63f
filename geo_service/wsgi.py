"""The WSGI entry point for gunicorn: `geo_service.wsgi:app`."""

from geo_service import create_app

app = create_app()
