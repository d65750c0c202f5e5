# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the UKL build scripts. Source it; do not run it.

UKL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UKL_BUILD=${UKL_BUILD:-$UKL_ROOT/build}
# shellcheck source=../VERSIONS
. "$UKL_ROOT/VERSIONS"

# ccache lives outside the clone so that fresh clones on one machine share it.
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ukl-ccache}
export CCACHE_BASEDIR=$UKL_ROOT
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
# Reproducible kernel version strings keep ccache hits across clones.
export KBUILD_BUILD_USER=ukl KBUILD_BUILD_HOST=ukl
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'

ukl_jobs() { nproc 2>/dev/null || echo 2; }

say() { printf '==> %s\n' "$*"; }
warn() { printf '\nWARNING: %s\n\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Print the installed version of a Debian package, or nothing.
pkg_version() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		awk '$1 == "ii" { print $2 }'
}
