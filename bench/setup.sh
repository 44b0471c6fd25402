#!/bin/sh
# Installs what `pnpm bench:train` compares against: Debian's PyTorch (CPU) and the threaded
# OpenBLAS it loads. Bench-only; CI never runs this. Needs root (or sudo) and Debian/Ubuntu.
set -eu
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/setup.sh: PyTorch is already importable by /usr/bin/python3"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update
$SUDO apt-get install -y python3-torch libopenblas0-pthread
/usr/bin/python3 -c 'import torch; print("bench/setup.sh: torch", torch.__version__)'
