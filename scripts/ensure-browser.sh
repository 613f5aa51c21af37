#!/usr/bin/env bash
# Headless Chromium and ChromeDriver for the report's browser test (Debian packages).
# Installs them when missing and we are root (as in CI); otherwise says what to install.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver (Debian packages) for the browser test..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "note: chromium/chromedriver not found; the browser test will be skipped." >&2
  echo "      install them with: sudo apt-get install chromium chromium-driver" >&2
fi
