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

# Print the installed version of a Debian package, or nothing. A package
# dpkg has never heard of makes dpkg-query exit 1; that is "not installed",
# not an error (callers run under set -e and pipefail).
pkg_version() {
	{ dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null || true; } |
		awk '$1 == "ii" { print $2 }'
}

# Under set -e a failing command ends the script; say which one, so that
# the first error is never silent. Only the top-level shell reports (a
# failure inside $(...) is reported by the command that used it).
ukl_on_err() { # status line function command
	# Only where set -e ends the script (not under a local set +e).
	[[ $- == *e* ]] && [ "$BASH_SUBSHELL" -eq 0 ] || return 0
	printf 'ERROR: %s:%s (in %s): command failed with status %s: %s\n' \
		"${0##*/}" "$2" "$3" "$1" "$4" >&2
}
if [[ $- == *e* ]]; then
	set -E
	trap 'ukl_on_err $? "$LINENO" "${FUNCNAME[0]:-main}" "$BASH_COMMAND"' ERR
fi
