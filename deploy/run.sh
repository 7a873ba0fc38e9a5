#!/usr/bin/env bash
# Builds Postern (Release) and runs it in the foreground with its built-in defaults: listeners on 587
# (STARTTLS) and 465 (implicit TLS), data in /var/lib/postern, a self-signed certificate generated there
# on first start. Extra arguments go to `postern` (e.g. --config /etc/postern/postern.conf).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPOSTERN_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)"
exec build/release/app/postern "$@"
