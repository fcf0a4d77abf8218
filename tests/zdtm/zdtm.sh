#!/usr/bin/env bash
# tests/zdtm/zdtm.sh: criu's own test suite, test/zdtm.py of a tree that
# criu-patches/build made, on the tests named below; run it in the stock
# VM (tests/vm/vm-run --stock: Debian's 6.12 kernel has what criu needs).
#
#   zdtm.sh [--suite NAME] [--engines "default compat"] TREE PLAN...
#
# PLAN is TEST[:FLAVOURS[:ITERS[:ENGINES]]] (zdtm/static/TEST; FLAVOURS
# "ns" or "ns,uns", default ns; ITERS criu's --iters, default 1; ENGINES
# "default", "compat" or "default,compat", default --engines').  Each test, in
# each flavour and each mount engine (criu's default mount-v2, and
# --mntns-compat-mode), is one check: one zdtm.py run per engine,
# flavour and iters, whose TAP report (--report) says for each test
# "ok", "not ok" or "ok # SKIP reason".  A test the report does not name,
# a report that is missing, a tree without criu, a skip (mntns_overlay's
# for want of `criu check --feature overlay_layers` among them): failures.
#
# Appends "NAME <passed> <failed>" (NAME zdtm unless --suite) to
# $OVT_RESULTS; zdtm.py's output and its reports go to
# build/zdtm/<engine>-<group>.{log,report}/ (ZDTM_OUT to choose).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
suite=zdtm engines="default compat"
while [ $# -gt 0 ]; do
	case "$1" in
	--suite) suite=$2; shift 2 ;;
	--engines) engines=$2; shift 2 ;;
	*) break ;;
	esac
done
tree=${1:-}
[ $# -gt 0 ] && shift
out=${ZDTM_OUT:-$top/build/zdtm}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "$suite: ok   $*"; }
ko() { fail=$((fail + 1)); echo "$suite: FAIL $*"; }
finish() {
	echo "$suite: $pass passed, $fail failed"
	[ -n "${OVT_RESULTS:-}" ] && echo "$suite $pass $fail" >> "$OVT_RESULTS"
	[ "$fail" = 0 ]
	exit
}
[ $# -gt 0 ] || { ko "no test named"; finish; }
if [ -z "$tree" ] || [ ! -x "$tree/criu/criu" ] || [ ! -f "$tree/test/zdtm.py" ]; then
	ko "no criu tree with criu/criu and test/zdtm.py (${tree:-none given}): criu-patches/build"
	finish
fi
# a tree built against a library installed under build/ finds it there
ld=$(cat "$tree/.ovt-ld-library-path" 2>/dev/null || true)
[ -n "$ld" ] && export LD_LIBRARY_PATH=$ld${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
echo "$suite: criu $("$tree/criu/criu" --version | sed -n 's/^Version: //p'), $(tr '\n' ' ' < "$tree/.ovt-build-info" 2>/dev/null)"

# the guest: loopback up (the ns flavour's netns restores lo's addresses),
# the modules criu's network and socket dumps ask for (as tests/criu/criu.sh
# finds them: the diag modules are not autoloaded), our own mount
# propagation (zdtm.py bind-mounts its roots)
ip link set lo up
for m in af_packet_diag inet_diag tcp_diag udp_diag unix_diag netlink_diag \
	 nf_conntrack nf_nat veth tun macvlan; do
	modprobe -q "$m" 2> /dev/null || true
done
mount --make-rprivate /
mkdir -p "$out"
# zdtm.py runs from test/, writes dump/ and the tests' outputs there
cd "$tree/test" || { ko "cannot enter $tree/test"; finish; }

# the plan, grouped: "engine flavour iters" -> tests (one zdtm.py run each:
# its report has one line a test, which names only the first flavour that
# failed)
declare -A groups=()
declare -a order=()
for p in "$@"; do
	IFS=: read -r t f i en <<< "$p"
	f=${f:-ns} en=${en:-${engines// /,}}
	for e in ${en//,/ }; do
		for fl in ${f//,/ }; do
			g="$e ${fl} ${i:-1}"
			[ -n "${groups[$g]+x}" ] || order+=("$g")
			groups[$g]="${groups[$g]:-} $t"
		done
	done
done

for g in "${order[@]}"; do
	read -r e flav iters <<< "$g"
	eopt=()
	[ "$e" = compat ] && eopt=(--mntns-compat-mode)
	read -r -a tests <<< "${groups[$g]}"
	tag=$e-$flav-i$iters
	rep=$out/$tag.report
	rm -rf "$rep" "$out/$tag.log"
	targs=()
	for t in "${tests[@]}"; do targs+=(-t "zdtm/static/$t"); done
	iopt=()
	[ "$iters" -gt 1 ] && iopt=(--iters "$iters")
	echo "$suite: zdtm.py run ${targs[*]} -f $flav ${eopt[*]} ${iopt[*]}"
	s=$(date +%s)
	/usr/bin/python3 ./zdtm.py run "${targs[@]}" -f "$flav" "${eopt[@]}" "${iopt[@]}" \
		--keep-going --ignore-taint --report "$rep" > "$out/$tag.log" 2>&1 < /dev/null
	echo "$suite: ... exit $?, $(($(date +%s) - s)) s, log $out/$tag.log"
	tap=$rep/criu-testreport.tap
	failed_before=$fail
	for t in "${tests[@]}"; do
		what="$t ($flav, $e$([ "$iters" -gt 1 ] && echo ", iters $iters"))"
		line=$(grep -E "^(not )?ok [0-9]+ - zdtm/static/$t( |$)" "$tap" 2> /dev/null | head -1)
		case "$line" in
		"not ok "*) ko "$what" ;;
		*"# SKIP "*) ko "$what: skipped, ${line#*# SKIP }" ;;
		"ok "*) ok "$what" ;;
		*) ko "$what: not in zdtm.py's report ($tap)" ;;
		esac
	done
	# a failure's own lines, for the reader of the console
	[ "$fail" = "$failed_before" ] ||
		grep -E '(FAIL|Error \(|Unable to|Traceback|ERR: )' "$out/$tag.log" |
		grep -v 'Error: ipv[46]: [Aa]ddress already assigned' | head -20 | cut -c1-300 | sed "s/^/$suite: log: /"
done
finish
