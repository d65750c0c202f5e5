#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the UKL micro-benchmark: one iteration of every row, so
# that the benchmark cannot silently rot between "make bench" runs. Checks
# that it exits 0, that every family reports rows, and that every row is
# well formed. Emits KTAP. Usage: ukl_bench_smoke.sh [path to ukl_bench]

bench=${1:-$(dirname "$0")/ukl_bench}
families="floor syscall pipe tmpfs udp tcp mm poll proc"
out=/tmp/ukl_bench_smoke.$$

n=0
for f in $families; do n=$((n + 1)); done
echo "TAP version 13"
echo "1..$((n + 2))"

"$bench" --quick > "$out" 2>&1
rc=$?
sed 's/^/# /' "$out" | grep -v '^# ROW'
fail=0
if [ $rc -eq 0 ]; then
	echo "ok 1 bench_exit_status"
else
	echo "not ok 1 bench_exit_status # exit $rc"
	fail=1
fi

bad=$(grep '^ROW' "$out" | grep -cv \
	'^ROW family=[a-z]* name=[a-z_0-9]* size=[0-9]* iters=[0-9]* median=[0-9]* p99=[0-9]* min=[0-9]*\( ops=[0-9]*\)\{0,1\}$')
if [ "$bad" -eq 0 ]; then
	echo "ok 2 bench_rows_well_formed"
else
	echo "not ok 2 bench_rows_well_formed # $bad malformed"
	fail=1
fi

i=2
for f in $families; do
	i=$((i + 1))
	rows=$(grep -c "^ROW family=$f " "$out")
	if [ "$rows" -gt 0 ]; then
		echo "ok $i bench_family_$f # $rows rows"
	else
		echo "not ok $i bench_family_$f # no rows"
		fail=1
	fi
done
rm -f "$out"
exit $fail
