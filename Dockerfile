# Postern container: a build stage with the compilers, a runtime stage with only the shared libraries.
#   docker build -t postern .
#   docker run -d --name postern -p 587:587 -p 465:465 -v postern-data:/var/lib/postern postern
#   docker exec -it postern postern user add alice@example.org
# Settings come from environment variables (POSTERN_<KEY>, see deploy/postern.conf) or a mounted file
# named by POSTERN_CONFIG. Secrets can come from files (container secrets): POSTERN_RELAY_PASSWORD_FILE,
# POSTERN_SECRETS_MASTER_KEY_FILE, POSTERN_ADMIN_PASSWORD_FILE. deploy/compose.yaml puts it all together.
FROM debian:12 AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake pkg-config libpoco-dev libssl-dev libsqlite3-dev libsasl2-dev libargon2-dev \
      libc-ares-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY app app
COPY lib lib
COPY db db
COPY web web
COPY deploy deploy
COPY tests tests
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DPOSTERN_TESTS=OFF \
    && cmake --build /build -j"$(nproc)" \
    && strip /build/app/postern

FROM debian:12-slim
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libpoconetssl80 libpocoutil80 libpoconet80 libpococrypto80 libpocofoundation80 libpocojson80 \
      libsqlite3-0 libssl3 libsasl2-2 libsasl2-modules libargon2-1 libc-ares2 \
      ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /var/lib/postern --no-create-home --shell /usr/sbin/nologin postern
COPY --from=build /build/app/postern /usr/local/bin/postern
COPY deploy/postern.conf /etc/postern/postern.conf.sample
# Starts as root to bind 587/465, then runs as postern (the data directory is handed over at start).
ENV POSTERN_USER=postern
# The web admin listens on every address inside the container; publish it to the host only where wanted
# (e.g. -p 127.0.0.1:8443:8443). admin.allowed_networks still decides who gets an answer.
ENV POSTERN_ADMIN_LISTEN=0.0.0.0:8443
VOLUME /var/lib/postern
# 2525 (listen.alternate) is off unless set; publish it yourself when you turn it on.
EXPOSE 587 465 8443
# `postern healthcheck` reads the same environment as the server and asks its admin listener's /healthz on
# loopback (or, with admin.listen empty, wants a 220 from 587). It runs as root, as docker exec does: it
# reads only the configuration, never the data directory.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s CMD ["postern", "healthcheck"]
# SIGTERM lets sessions finish within smtp.shutdown_grace; give docker stop more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/postern"]
CMD ["serve"]
