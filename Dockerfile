# The production image: the API (`serve --no-ingest`) or the worker (`ingest`), one image.
# Build stage: dependencies from the lock file, then the project, into /app/.venv.
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
WORKDIR /app
ENV UV_LOCKED=1 UV_NO_DEV=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --no-install-project
COPY alesco alesco
COPY api api
COPY ingest ingest
RUN uv sync --no-editable

# Run stage: the virtual environment only, owned by root and run by an unprivileged user.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin alesco \
    && install -d -o alesco /data
COPY --from=build /app/.venv /app/.venv
# The working directory is the user's own: without DATABASE_URL the default SQLite file
# (./alesco.db) is written there, not into the root-owned /app.
WORKDIR /data
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER alesco
EXPOSE 8000
# Liveness of the API; the worker's service overrides it (it serves no HTTP).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["alesco", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-ingest"]
