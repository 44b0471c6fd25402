#!/usr/bin/env bash
# Sets up a fresh machine for smoe: pnpm (if missing) and the workspace's dependencies.
# With --webgpu (CI does this), also the software Vulkan driver that gives Node a WebGPU
# adapter without a GPU: Mesa's lavapipe ≥ 25, from Debian's bookworm-backports (root only).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=9.15.9

if [[ "${1:-}" == "--webgpu" ]]; then
  if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[5-9]'; then
    src=$(grep -l '^Suites:.*bookworm' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
    if [[ -n "$src" ]] && ! grep -q 'bookworm-backports' "$src"; then
      # Enable backports on the machine's existing Debian source (no new host is written).
      sed -i '0,/^Suites: bookworm\b/s//Suites: bookworm bookworm-backports/' "$src"
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
  fi
fi

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != "$PNPM_VERSION" ]]; then
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
pnpm install --frozen-lockfile
