#!/usr/bin/env bash
# Idempotent setup on a fresh machine: Debian packages, the project's virtualenv (.venv) and the
# files the embedded default needs. Re-running it does only what is missing or out of date.
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh --test   plus what the tests need (Debian's chromium for the browser tests)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }
# pip warns once per package about this machine's optional local index mirrors; keep real warnings visible.
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

command -v "$PYTHON" >/dev/null || die "$PYTHON not found; install Python 3.11 (or set PYTHON=/path/to/python3.11)"

apt_install() {  # apt_install PKG... : install Debian packages that are missing
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

if [[ $WITH_TEST -eq 1 ]]; then
  apt_install chromium chromium-driver fonts-dejavu-core
fi

# ---- the project's virtualenv -------------------------------------------------------------------
STAMP=".venv/.corpus600m-setup"
WANT="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)-$WITH_TEST"
if [[ ! -x .venv/bin/python || ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
  [[ -x .venv/bin/python ]] || { log "creating .venv with $PYTHON"; "$PYTHON" -m venv .venv; }
  log "installing corpus600m and its dependencies into .venv (a few minutes the first time)"
  quiet_pip .venv/bin/python -m pip install -q --upgrade pip
  extras="."
  [[ $WITH_TEST -eq 1 ]] && extras=".[test]"
  quiet_pip .venv/bin/python -m pip install -q -e "$extras" || die "pip install -e '$extras' failed (see above)"
  echo "$WANT" > "$STAMP"
else
  log ".venv is up to date"
fi

# ---- files and side environments of the embedded default ----------------------------------------
# Each step is idempotent and says what it did.
.venv/bin/corpus600m argilla install || die "could not create the Argilla server virtualenv (.venv-argilla/)"
.venv/bin/corpus600m filter install-model || die "could not install the PII filter's Spanish NER model (see above)"
.venv/bin/corpus600m llm install || die "could not install the default LLM model (see above; or set CORPUS600M_LLM_MODEL_PATH)"

log "setup done: the CLI is .venv/bin/corpus600m"
