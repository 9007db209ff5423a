# Shared by scripts/run, scripts/test and scripts/bench: install what is missing, idempotently.
# Everything is installed from the machine's registries at setup time; nothing downloads at run time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1

_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

_apt_install() {  # install Debian packages once; apt-get update only when needed
  _as_root apt-get install -y -q "$@" >/dev/null 2>&1 || {
    _as_root apt-get update -q >/dev/null && _as_root apt-get install -y -q "$@" >/dev/null; }
}

ensure_venv() {  # .venv with Wenze (editable) and its test tools; reinstalled when pyproject.toml changes
  local stamp="$VENV/.wenze-installed"
  if [ ! -x "$VENV/bin/python" ]; then
    local py; py=$(command -v python3.11 || command -v python3)
    "$py" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "installing Python packages into .venv …" >&2
    "$VENV/bin/pip" install -q -e "$ROOT[test]" 2>&1 | grep -v '^WARNING: Location' >&2 || true
    "$VENV/bin/python" -c 'import runner, SpiffWorkflow, flask, sqlalchemy, psycopg, playwright, weasyprint, pypdf'
    touch "$stamp"
  fi
}

ensure_npm() {  # front-end packages from the committed lockfile
  [ -f "$ROOT/package.json" ] || return 0
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    command -v npm >/dev/null || _apt_install nodejs npm
    echo "installing npm packages …" >&2
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

ensure_postgres() {  # Debian's PostgreSQL server binaries (no system cluster is started)
  ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "installing PostgreSQL …" >&2; _apt_install postgresql; }
}

ensure_chromium() {  # Debian's Chromium for the browser tests (Playwright drives it; no browser download)
  command -v chromium >/dev/null || { echo "installing Chromium …" >&2; _apt_install chromium; }
}

ensure_pdf_fonts() {  # the decision notice's PDF (WeasyPrint): Pango, and Noto Serif CJK SC for the Chinese text
  local wanted=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0) installed
  installed=$(dpkg-query -W -f='${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null | grep -c '^ii' || true)
  [ "$installed" -eq "${#wanted[@]}" ] && return 0
  echo "installing Pango and the Noto CJK fonts …" >&2
  _apt_install "${wanted[@]}"
}
