#!/usr/bin/env bash
# Installs Debian's Chromium for the MLflow UI browser test (MlflowUiBrowserTest), which drives it headless
# over the Chrome DevTools Protocol. Needs root (apt-get); does nothing when chromium is already installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  command -v chromium
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
