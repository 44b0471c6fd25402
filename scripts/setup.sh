#!/usr/bin/env bash
# Sets up a fresh machine for smoe: pnpm (if missing) and the workspace's dependencies.
# Flags (any order, root only; CI passes both):
#   --webgpu   the software Vulkan driver that gives Node a WebGPU adapter without a GPU:
#              Mesa's lavapipe ≥ 25, from Debian's bookworm-backports.
#   --browser  Debian's chromium (/usr/bin/chromium), which the browser tests and the report
#              screenshot drive through playwright-core.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=9.15.9
want_webgpu=0
want_browser=0
for flag in "$@"; do
  case "$flag" in
    --webgpu) want_webgpu=1 ;;
    --browser) want_browser=1 ;;
    *)
      echo "setup.sh: unknown flag '$flag'; the flags are --webgpu and --browser" >&2
      exit 2
      ;;
  esac
done

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update_once() {
  if [[ $apt_updated == 0 ]]; then
    apt-get update -qq
    apt_updated=1
  fi
}

if [[ $want_webgpu == 1 ]]; then
  if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[5-9]'; then
    src=$(grep -l '^Suites:.*bookworm' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
    if [[ -n "$src" ]] && ! grep -q 'bookworm-backports' "$src"; then
      # Enable backports on the machine's existing Debian source (no new host is written).
      sed -i '0,/^Suites: bookworm\b/s//Suites: bookworm bookworm-backports/' "$src"
    fi
    apt_update_once
    apt-get install -o DPkg::Lock::Timeout=300 -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
  fi
fi

if [[ $want_browser == 1 ]] && [[ ! -x /usr/bin/chromium ]]; then
  apt_update_once
  apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != "$PNPM_VERSION" ]]; then
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
pnpm install --frozen-lockfile
