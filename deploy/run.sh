#!/usr/bin/env bash
# Builds Postern (Release) and runs it in the foreground with its built-in defaults: listeners on 587
# (STARTTLS) and 465 (implicit TLS), data in /var/lib/postern, a self-signed certificate generated there
# on first start. Extra arguments go to `postern` (e.g. --config /etc/postern/postern.conf).
# As in the Docker image, the server runs as the system account `postern` (created here when missing):
# root only prepares the data directory and binds the ports, then Postern switches to that account.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
if [[ $(id -u) == 0 ]]; then
  id -u postern >/dev/null 2>&1 ||
    useradd --system --home-dir /var/lib/postern --no-create-home --shell /usr/sbin/nologin postern
  export POSTERN_USER=${POSTERN_USER-postern}
fi
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPOSTERN_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)"
exec build/release/app/postern "$@"
