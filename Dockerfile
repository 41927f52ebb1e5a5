# Multi-stage build of motcua and motcua-sim.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p motcua -p motcua-sim

FROM debian:bookworm-slim AS runtime-base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app motcua
WORKDIR /app
USER motcua

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
EXPOSE 8080
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["motcua"]
CMD ["serve"]
