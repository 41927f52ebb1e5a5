# Multi-stage build of motcua, motcua-sim and garage-init (the S3 bucket's set-up in
# docker-compose.yml). Every base image is pinned to a version (tests/tests/suite/deploy.rs).
# Garage's image is its static binary alone (no shell): garage-init borrows the binary.
FROM dxflrs/garage:v2.4.1 AS garage

FROM rust:1.95.0-bookworm AS build
WORKDIR /src
COPY . .
# --locked: the versions of Cargo.lock, or the build fails (never a silent update).
RUN cargo build --locked --release -p motcua -p motcua-sim

FROM debian:12-slim AS runtime-base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app motcua
WORKDIR /app
USER motcua

# One-shot: gives the Garage node its role, imports the engine's key, creates the bucket
# (deploy/garage/init.sh); also carries rclone for the backups of docs/OPERATIONS.md.
FROM runtime-base AS garage-init
USER root
RUN apt-get update && apt-get install -y --no-install-recommends rclone \
    && rm -rf /var/lib/apt/lists/*
USER motcua
COPY --from=garage /garage /usr/local/bin/garage
COPY deploy/garage/init.sh /usr/local/bin/garage-init
ENTRYPOINT ["garage-init"]

FROM runtime-base AS motcua-sim
COPY --from=build /src/target/release/motcua-sim /usr/local/bin/motcua-sim
EXPOSE 8090
ENTRYPOINT ["motcua-sim"]

FROM runtime-base AS motcua
# The official PDFs are set in Noto Serif, from Debian's package (docs/RESULTS.md).
USER root
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
USER motcua
COPY --from=build /src/target/release/motcua /usr/local/bin/motcua
COPY procedures /app/procedures
ENV MOTCUA_PROCEDURES_DIR=/app/procedures
COPY notifications /app/notifications
ENV MOTCUA_NOTIFICATIONS_DIR=/app/notifications
EXPOSE 8080
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["motcua"]
CMD ["serve"]
