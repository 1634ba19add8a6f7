FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --system --create-home --uid 10001 msc
# WeasyPrint (the PDF copies, core/pdf.py) renders with Pango and HarfBuzz and the system's fonts
# (DejaVu): a document never fetches a font, or anything else, from the network.
# pg_dump and pg_restore (postgresql-client 15, as the compose database) for `manage.py backup`
# and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
# The application's packages; demo/ and bench/ (development only) stay out of the image.
COPY config config
COPY core core
COPY accounts accounts
COPY access access
COPY cases cases
COPY conferences conferences
COPY referrals referrals
COPY releases releases
COPY oversight oversight
COPY privacy privacy
COPY audit audit
COPY home home
RUN pip install .
COPY manage.py ./
COPY templates templates
COPY static static
COPY locale locale
# collectstatic reads settings; the key is a throwaway used only for this build step.
RUN SECRET_KEY=build-only-collectstatic python manage.py compile_translations \
    && SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput \
    && mkdir -p /app/private-media /app/deletion-register /app/backups \
    && chown msc /app/private-media /app/deletion-register /app/backups

USER msc
EXPOSE 8000
# X-Forwarded-* are believed only from FORWARDED_ALLOW_IPS (gunicorn's default: loopback);
# docker-compose.yml sets it to the proxy's address.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
