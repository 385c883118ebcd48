#!/usr/bin/env bash
# Install the system packages the tests need when they are missing: Debian's chromium (for the
# end-to-end tier; never a browser downloaded by Playwright), PostgreSQL (for the integration tier)
# the DejaVu fonts (for generated PDFs with ligatures) and the smallest TeX that compiles the exported
# LaTeX tables (pdflatex with booktabs, longtable and pdflscape).
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# the PDF ligature tests embed DejaVu Sans (ligature glyphs are not in the PDF core fonts)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# cairo paints the bundle's SVG figures as PNG and PDF (workbench/graphs/libcairo.py loads libcairo.so.2)
{ ls /usr/lib/*/libcairo.so.2 || ls /usr/lib/libcairo.so.2; } >/dev/null 2>&1 || need+=(libcairo2)
# pdflatex and longtable come with texlive-latex-base; booktabs and pdflscape with -recommended
tex=()
command -v pdflatex >/dev/null 2>&1 || tex+=(texlive-latex-base)
command -v kpsewhich >/dev/null 2>&1 && kpsewhich booktabs.sty pdflscape.sty 2>/dev/null | grep -q pdflscape \
  || tex+=(texlive-latex-recommended)
[ ${#need[@]} -eq 0 ] && [ ${#tex[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
echo "system_deps: installing ${need[*]} ${tex[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
install() {
  # TeX without its recommends (documentation, many fonts): the tables need only the packages above
  { [ ${#need[@]} -eq 0 ] || $SUDO apt-get install -y -q "${need[@]}"; } &&
    { [ ${#tex[@]} -eq 0 ] || $SUDO apt-get install -y -q --no-install-recommends "${tex[@]}"; }
}
install >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null
  install >/dev/null
}
