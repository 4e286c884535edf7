# Lantern: the tracker (and everything configured) in one process, as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --user-group lantern \
    && mkdir /data \
    && chown lantern:lantern /data

WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY lantern/ lantern/
COPY tracking/ tracking/
COPY bot/ bot/
RUN pip install . && rm -rf build *.egg-info

# The working directory holds the default SQLite file (./lantern.db) and an optional .env;
# with LANTERN_DATABASE_URL pointing at PostgreSQL nothing is written here.
WORKDIR /data
USER lantern

ENV LANTERN_HOST=0.0.0.0
EXPOSE 8080

# No curl in the slim image: urlopen raises (exit 1) on a refused connection or a non-2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('LANTERN_PORT', '8080'), timeout=4)"]

# PostgreSQL is never migrated by `serve` itself; exec so SIGTERM reaches Lantern and it drains.
CMD ["sh", "-c", "lantern db upgrade && exec lantern serve"]
