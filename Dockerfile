# ecommerce-kit: the pipeline runs at build time; the container serves the dashboard and API.
# Standard library only: nothing is installed. Not exercised by the test suite (no Docker engine there).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 kit
WORKDIR /home/kit/app
COPY --chown=kit:kit . .
USER kit
# docker-compose.yml mounts its output volume here; created now so the volume belongs to kit.
RUN mkdir /home/kit/output

ARG SEED=42
ARG SCALE=1
RUN python project/run_all.py --seed "${SEED}" --scale "${SCALE}" --workers 1

EXPOSE 8000
# Inside the container the server must listen on all interfaces to be reachable via -p.
CMD ["python", "serve_frontend.py", "--host", "0.0.0.0", "--port", "8000"]
