#!/bin/sh
# Install the system libraries WeasyPrint and the tests need, or say exactly how.
# Pango (text layout), libharfbuzz-subset0 (fast font subsetting) and poppler-utils (pdftoppm).
# liblouis-bin and liblouis-data: the braille edition (lou_translate, UEB and Welsh tables).
# libenchant-2-2, hunspell-en-gb and aspell-cy: check --spelling (British English and Welsh dictionaries).
# BOOKLET_BROWSER_TESTS=1 adds chromium; BOOKLET_EPUB_TESTS=1 adds EPUBCheck, chromium and npm (for DAISY Ace).
set -eu
want="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils"
want="$want liblouis-bin liblouis-data"
want="$want libenchant-2-2 hunspell-en-gb aspell-cy"
[ "${BOOKLET_BROWSER_TESTS:-0}" = 1 ] && want="$want chromium"
# The EPUB edition's checkers: EPUBCheck (Java) and DAISY Ace (npm, run in chromium; see the Makefile's ace step).
[ "${BOOKLET_EPUB_TESTS:-0}" = 1 ] && want="$want epubcheck chromium"
[ "${BOOKLET_EPUB_TESTS:-0}" = 1 ] && ! command -v npm >/dev/null && want="$want nodejs npm"
missing=""
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "booklet needs these system packages:$missing" >&2
  echo "Install them with:  sudo apt-get install -y$missing" >&2
  exit 1
fi
