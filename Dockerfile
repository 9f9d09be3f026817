# First version of the production image; hardened (non-root, healthcheck) in a later issue.
FROM python:3.11-slim
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
WORKDIR /app
ENV UV_LOCKED=1 UV_NO_DEV=1 UV_COMPILE_BYTECODE=1
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --no-install-project
COPY alesco alesco
COPY api api
COPY ingest ingest
RUN uv sync
ENV PATH="/app/.venv/bin:$PATH"
EXPOSE 8000
CMD ["alesco", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-ingest"]
