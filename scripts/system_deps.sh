#!/usr/bin/env bash
# Install the system packages the tests need when they are missing: Debian's chromium (for the
# end-to-end tier; never a browser downloaded by Playwright), PostgreSQL (for the integration tier)
# and the DejaVu fonts (for generated PDFs with ligatures).
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# the PDF ligature tests embed DejaVu Sans (ligature glyphs are not in the PDF core fonts)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
echo "system_deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q "${need[@]}" >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q "${need[@]}" >/dev/null
}
