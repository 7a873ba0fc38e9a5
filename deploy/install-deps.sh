#!/usr/bin/env bash
# Installs what Postern needs on Debian 12, as root, and swaks, the SMTP client README's quick start sends
# its first message with. `--test` adds the test peers (Postfix's smtp-sink, python3-aiosmtpd, dkimpy,
# Mail::DKIM, openssl, clang-format for the style check, clang and its fuzzer runtime for the fuzz
# harnesses, dnsmasq and dig for the DNS tests, PyYAML for the check of the alert rules, fail2ban for its
# fail2ban-regex) and the browser test's Chromium, fonts and playwright-core (npm, into
# tests/e2e/node_modules; never a downloaded browser).
# Safe to run again.
set -euo pipefail
packages=(build-essential cmake pkg-config libpoco-dev libssl-dev libsqlite3-dev libsasl2-dev libsasl2-modules
          libargon2-dev libboost-test-dev libc-ares-dev openssl ca-certificates swaks)
if [[ ${1:-} == --test ]]; then
  packages+=(postfix python3 python3-aiosmtpd python3-yaml python3-dkim libmail-dkim-perl sqlite3 procps clang-format
            chromium fonts-dejavu-core dnsmasq-base dnsutils)
  # The fuzz harnesses (README "Fuzzing"): clang 14 with its runtimes; libclang_rt.fuzzer and the
  # sanitizer runtimes are in libclang-rt-14-dev, which clang only recommends.
  packages+=(clang libclang-rt-14-dev)
  # fail2ban-regex checks deploy/fail2ban/ against real log lines (tests/integration/test_fail2ban.py).
  packages+=(fail2ban)
  # Node.js for playwright-core: Debian's, unless one is installed already (another vendor's nodejs bundles
  # npm, and Debian's npm package conflicts with it).
  command -v node >/dev/null || packages+=(nodejs)
  # zbarimg decodes the admin UI's QR codes in the tests (test_qr_code.py, the browser tour).
  packages+=(zbar-tools)
  command -v npm >/dev/null || packages+=(npm)
  # Installing postfix must neither prompt nor start a server on port 25.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [[ ${1:-} == --test ]]; then
  e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e" && pwd)"
  if [[ ! -f $e2e_dir/node_modules/playwright-core/package.json ]]; then
    npm install --prefix "$e2e_dir" --no-save --no-audit --no-fund playwright-core
  fi
fi
