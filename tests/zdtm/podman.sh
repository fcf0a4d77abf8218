#!/usr/bin/env bash
# tests/zdtm/podman.sh TREE: podman with runc checkpoints and restores a
# container that mounted its own overlay, with the criu of TREE (criu
# 4.2.1 and the series, criu-patches/build) and no plugin; run it in the
# stock VM on the series' overlay.ko (tests/zdtm/run runs it after
# zdtm.sh, in the same boot).
#
# runc runs `criu` from PATH: a wrapper first in PATH (on a tmpfs) execs
# TREE's criu with the LD_LIBRARY_PATH of TREE/.ovt-ld-library-path.  No
# ovl-layers plugin is anywhere criu looks (asserted: /usr/lib/criu holds
# no plugin, no criu configuration file names a libdir).
#
# The container (--privileged, --network none, podman's overlay root) runs
# /bin/ct: it mounts a tmpfs at /t and the overlay /o over the lowers
# /t/l1 (on that tmpfs) and /rootlow (a directory of its root: a FID
# handle, podman's root overlay has no nfs_export), upper and work on the
# tmpfs; it deletes /o/x (a whiteout) and makes /o/d anew over /rootlow/d
# (an opaque directory), keeps files of /o open and appends a tick to
# /o/c every second.  Then three cycles of podman container checkpoint
# --keep / restore --keep (runc leaves criu's dump.log and restore.log in
# the container's userdata folder), each log checked, and the container
# checked after each restore.  The control, first: the same container
# with Debian's own criu (3.17.1, PATH without the wrapper) is
# checkpointed, and its restore fails.
#
# Appends "zdtm-podman <passed> <failed>" to $OVT_RESULTS; criu's logs of
# each step go to $ZDTM_OUT/podman/ (default build/zdtm/podman/).
# ZDTM_PODMAN_CONTROL=0: no control.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=${1:-}
out=${ZDTM_OUT:-$top/build/zdtm}/podman
suite=zdtm-podman
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "$suite: ok   $*"; }
ko() { fail=$((fail + 1)); echo "$suite: FAIL $*"; }
check() { local what=$1; shift; if "$@" > /dev/null 2>&1; then ok "$what"; else ko "$what"; return 1; fi; }
log() { sed "s/^/$suite: log: /"; }
finish() {
	echo "$suite: $pass passed, $fail failed ($(($(date +%s) - start)) s)"
	[ -n "${OVT_RESULTS:-}" ] && echo "$suite $pass $fail" >> "$OVT_RESULTS"
	[ "$fail" = 0 ]
	exit
}
start=$(date +%s)
T0=$start
took() { echo "$1 took $(($(date +%s) - T0)) s" | log; T0=$(date +%s); }

if [ -z "$tree" ] || [ ! -x "$tree/criu/criu" ]; then
	ko "no criu tree with criu/criu (${tree:-none given}): criu-patches/build"
	finish
fi
rm -rf "$out"
mkdir -p "$out"

# --- criu: the tree's, first in PATH; Debian's 3.17.1 after it ---
ld=$(cat "$tree/.ovt-ld-library-path" 2> /dev/null || true)
W=/tmp/zdtm-podman-bin
mkdir -p "$W"
mountpoint -q "$W" || mount -t tmpfs zdtm-podman-bin "$W"
{
	echo '#!/bin/sh'
	echo "# tests/zdtm/podman.sh: the criu of $tree"
	if [ -n "$ld" ]; then
		# shellcheck disable=SC2016
		echo "LD_LIBRARY_PATH='$ld'"'${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}'
		echo 'export LD_LIBRARY_PATH'
	fi
	echo "exec '$tree/criu/criu' \"\$@\""
} > "$W/criu"
chmod +x "$W/criu"
plain_path=$PATH
export PATH=$W:$PATH
check "criu in PATH is the wrapper ($(command -v criu))" test "$(command -v criu)" = "$W/criu"
check "criu in PATH is criu 4.2.1 ($(criu --version 2>&1 | sed -n 's/^Version: //p'))" \
	test "$(criu --version 2> /dev/null | sed -n 's/^Version: //p')" = 4.2.1
check "criu in PATH links libovllayers ($(tr '\n' ' ' < "$tree/.ovt-build-info"))" \
	grep -qx linked=yes "$tree/.ovt-build-info"
# (criu's kernel probe connects a TCP socket over lo)
ip link set lo up
criu check --feature overlay_layers > "$out/check.log" 2>&1
check "criu check --feature overlay_layers (the series' overlay.ko)" test $? = 0 || log < "$out/check.log"
# criu loads every .so of its libdir (the built-in /usr/lib/criu/, or a
# configuration file's "libdir"): none here, the series alone does it
check "no plugin where criu looks: no ovl_layers_plugin.so, no *.so at all, in /usr/lib/criu" \
	bash -c '! ls /usr/lib/criu/ovl_layers_plugin.so && [ -z "$(find /usr/lib/criu/ -name "*.so*" 2> /dev/null)" ]'
check "the tree's criu looks for plugins in /usr/lib/criu/ (its built-in libdir)" \
	grep -qa '/usr/lib/criu/' "$tree/criu/criu"
check "no criu configuration file names a libdir (/etc/criu, ~/.criu)" \
	bash -c '! grep -qsE "^[[:space:]]*-*libdir" /etc/criu/*.conf ~/.criu/*.conf'
check "Debian's criu after the wrapper is 3.17.1" \
	test "$(PATH=$plain_path criu --version 2> /dev/null | sed -n 's/^Version: //p')" = 3.17.1

# --- the guest, as tests/runtimes/guest.sh: cgroup2, lo, podman's store
# on tmpfs (zdtm.sh ran before, in this boot) ---
[ "$(stat -f -c %T /sys/fs/cgroup 2> /dev/null)" = cgroup2fs ] || mount -t cgroup2 cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control; done 2> /dev/null
S=/tmp/zdtm-podman
mkdir -p "$S"
P() {
	podman --root "$S/root" --runroot "$S/run" --tmpdir "$S/tmp" --network-config-dir "$S/net" \
		--cgroup-manager cgroupfs --events-backend file --runtime runc "$@"
}
cpid() { P inspect -f '{{.State.Pid}}' "$1"; }
userdata() { echo "$S/root/overlay-containers/$(P inspect -f '{{.Id}}' "$1")/userdata"; }

# the image: busybox, /rootlow (a lower of /o, a directory of the root:
# its file r, its folder d with h) and /bin/ct
rootfs=/tmp/zdtm-podman-rootfs
mkdir -p "$rootfs"/{bin,proc,dev,sys,t,o,rootlow/d,etc}
cp /bin/busybox "$rootfs/bin/"
for c in sh sleep cat mount mkdir echo rm; do ln -sf busybox "$rootfs/bin/$c"; done
echo rootlow > "$rootfs/rootlow/r"
echo h > "$rootfs/rootlow/d/h"
cat > "$rootfs/bin/ct" <<'EOC'
#!/bin/sh
mount -t tmpfs t /t && mkdir /t/l1 /t/u /t/w || exit 1
echo one > /t/l1/a && echo x > /t/l1/x
mount -t overlay ovl -o lowerdir=/t/l1:/rootlow,upperdir=/t/u,workdir=/t/w /o || exit 1
rm /o/x && rm -rf /o/d && mkdir /o/d && echo n > /o/d/n || exit 1
exec 3</o/a 4>>/o/c 5</o/r 6</o/d/n
while :; do echo tick >&4; sleep 1; done
EOC
chmod +x "$rootfs/bin/ct"
tar -C "$rootfs" -cf /tmp/zdtm-podman-rootfs.tar .
P import /tmp/zdtm-podman-rootfs.tar localhost/ct > "$out/import.log" 2>&1
check "podman import of the busybox image" test $? = 0 || log < "$out/import.log"
took "setting up podman"

# run NAME: start the container; its /o mounted
run() {
	P run -d --name "$1" --privileged --network none localhost/ct /bin/ct > "$out/run-$1.log" 2>&1 || return 1
	for _ in $(seq 50); do
		grep -q ' /o ' "/proc/$(cpid "$1")/mountinfo" 2> /dev/null &&
			test -e "/proc/$(cpid "$1")/root/o/d/n" && return 0
		sleep 0.2
	done
	return 1
}
ticks() { grep -c tick "/proc/$1/root/o/c"; }
# more_ticks PID N: wait (at most 10 s) until the command, which writes a
# tick a second, has written more than N
more_ticks() { for _ in $(seq 50); do [ "$(ticks "$1")" -gt "$2" ] && return 0; sleep 0.2; done; return 1; }
# layer_opts PID: the layer options of /o's mountinfo line, one a line
layer_opts() {
	awk '$5 == "/o" { for (i = 7; $i != "-"; i++); print $(i + 3) }' "/proc/$1/mountinfo" |
		tr , '\n' | grep -E '^(lowerdir|lowerdir\+|upperdir|workdir|datadir\+)='
}
# only_fds PID: /o's layer options as criu's restore sets them on 6.12
# (fsconfig() by the path /proc/self/fd/N of each layer it opened: 6.12
# has lowerdir+ but no FSCONFIG_SET_FD): a lowerdir+ a lower, upperdir,
# workdir, each /proc/self/fd/N, no path of the container
# shellcheck disable=SC2317 # (called through check)
only_fds() {
	local o
	o=$(layer_opts "$1") || return 1
	[ "$(sed -E 's|=/proc/self/fd/[0-9]+$||' <<< "$o" | tr '\n' ' ')" = "lowerdir+ lowerdir+ upperdir workdir " ]
}
# state WHAT PID: the container as ct left it
state() {
	local what=$1 pid=$2 t r=/proc/$2/root
	check "$what: the container's command runs ($pid)" test "$(cat "/proc/$pid/comm" 2> /dev/null)" = ct
	check "$what: fd 3 reads back /o/a (the tmpfs lower's file)" test "$(cat "/proc/$pid/fd/3")" = one
	check "$what: fd 5 reads back /o/r (the root lower's file)" test "$(cat "/proc/$pid/fd/5")" = rootlow
	check "$what: fd 6 reads back /o/d/n (the opaque folder's new file)" test "$(cat "/proc/$pid/fd/6")" = n
	check "$what: fd 4 is /o/c, open for appending" \
		test "$(readlink "/proc/$pid/fd/4")/$(awk '$1 == "flags:" { print $2 }' "/proc/$pid/fdinfo/4")" = /o/c/0102001
	t=$(ticks "$pid")
	more_ticks "$pid" "$t"
	check "$what: it appends through fd 4 ($t ticks, then more)" test "$(ticks "$pid")" -gt "$t"
	check "$what: /o holds a, c, d and r (x deleted)" test "$(ls -A "$r/o" | tr '\n' ' ')" = "a c d r "
	check "$what: the whiteout hides /t/l1/x, which the lower still holds" \
		bash -c "! test -e $r/o/x && test \"\$(cat $r/t/l1/x)\" = x"
	check "$what: in the upper x is a whiteout (a 0/0 character device)" \
		test "$(stat -c '%F %t:%T' "$r/t/u/x")" = "character special file 0:0"
	check "$what: /o/d holds only n (the root lower's d/h hidden)" \
		test "$(ls -A "$r/o/d")/$(cat "$r/o/d/n")/$(cat "$r/rootlow/d/h")" = n/n/h
	check "$what: in the upper d is opaque (trusted.overlay.opaque y, on a tmpfs)" \
		test "$(getfattr --only-values -n trusted.overlay.opaque "$r/t/u/d" 2> /dev/null)" = y
	echo "options of /o: $(layer_opts "$pid" | tr '\n' ' ')" | log
}

# checkpoint WHAT NAME LOG [options]: podman container checkpoint; criu's
# dump.log copied to LOG (none if criu wrote none)
checkpoint() {
	local what=$1 name=$2 dest=$3 ud
	shift 3
	ud=$(userdata "$name")
	rm -f "$ud/dump.log" "$dest"
	P container checkpoint "$@" "$name" > "$dest.podman" 2>&1
	check "$what: podman container checkpoint $*" test $? = 0 || log < "$dest.podman"
	cp "$ud/dump.log" "$dest" 2> /dev/null
}
# restore WHAT NAME LOG [options]: podman container restore, its status;
# criu's restore.log copied to LOG
restore() {
	local what=$1 name=$2 dest=$3 ud rc
	shift 3
	ud=$(userdata "$name")
	rm -f "$ud/restore.log" "$dest"
	P container restore "$@" "$name" > "$dest.podman" 2>&1
	rc=$?
	cp "$ud/restore.log" "$dest" 2> /dev/null
	return $rc
}

# --- the control: Debian's criu 3.17.1 dumps the overlay by its option
# strings, and cannot mount it again ---
if [ "${ZDTM_PODMAN_CONTROL:-1}" = 1 ]; then
	run ctl || ko "control: the container did not start"
	PATH=$plain_path checkpoint "control, criu 3.17.1" ctl "$out/control-dump.log" --keep
	check "control: the dump log is criu 3.17.1's" grep -q 'Version: 3\.17\.1 ' "$out/control-dump.log"
	PATH=$plain_path restore "control" ctl "$out/control-restore.log" --keep
	check "control: podman container restore with criu 3.17.1 fails" test $? != 0
	check "control: the restore log is criu 3.17.1's" grep -q 'Version: 3\.17\.1 ' "$out/control-restore.log"
	check "control: criu 3.17.1 cannot mount the overlay (its /t/l1 is gone)" grep -qE \
		'Error \(criu/mount.c:[0-9]+\): mnt: Unable to mount ovl /tmp/.criu.mntns.*: No such file or directory' \
		"$out/control-restore.log"
	grep -E 'Error' "$out/control-restore.log" | head -n 3 | log
	P rm -f -t 0 ctl > /dev/null 2>&1
	took "the control with criu 3.17.1"
fi

# --- three cycles with the tree's criu ---
cycles=3
run ct || { ko "the container did not start"; cycles=0; log < "$out/run-ct.log"; }
if [ "$cycles" -gt 0 ]; then
	pid=$(cpid ct)
	state "before any checkpoint" "$pid"
	check "before any checkpoint: /o's options name its layers' paths" \
		test "$(layer_opts "$pid" | tr '\n' ,)" = "lowerdir=/t/l1:/rootlow,upperdir=/t/u,workdir=/t/w,"
	took "the container"
fi
for n in $(seq "$cycles"); do
	what="cycle $n"
	dl=$out/dump-$n.log rl=$out/restore-$n.log
	checkpoint "$what" ct "$dl" --keep
	check "$what: the dump log is criu 4.2.1's" grep -q 'Version: 4\.2\.1 ' "$dl"
	# criu/overlayfs.c fill_layer(): "Overlay ID: KIND layer N on mount
	# ID:MOUNTPOINT at "PATH"" (PATH beneath the mount's root)
	id=$(sed -nE 's/.*overlayfs: Overlay ([0-9]+): lower layer 2 on mount [0-9]+:\/ at "rootlow"$/\1/p' "$dl" | head -n 1)
	check "$what: criu described /o from its layers, the root's directory rootlow among them (overlay ${id:-none})" \
		test -n "$id"
	check "$what: and its other three layers, on the tmpfs t" test "$(grep -cE \
		"Overlay ${id:-none}: (upper layer 0 on mount ([0-9]+):/t at \"u\"|work layer 0 on mount ([0-9]+):/t at \"w\"|lower layer 1 on mount ([0-9]+):/t at \"l1\")$" "$dl")" = 3
	check "$what: criu loaded no plugin (no 'Plugin \"' line in the dump log)" bash -c "test -s '$dl' && ! grep -q 'Plugin \"' '$dl'"
	check "$what: no Error line in the dump log" bash -c "test -s '$dl' && ! grep -q 'Error' '$dl'"
	grep -E 'Error|Overlay [0-9]+:' "$dl" | log
	restore "$what" ct "$rl" --keep
	check "$what: podman container restore --keep" test $? = 0 || { log < "$rl.podman"; grep Error "$rl" | log; }
	check "$what: the restore log is criu 4.2.1's" grep -q 'Version: 4\.2\.1 ' "$rl"
	# open_layer(): "Overlay ID: KIND layer N is "PATH" beneath mount ID
	# (...)"; mount_from_layers(): "Overlay ID: mounted from N layers (by
	# fd|by /proc/self/fd)"
	check "$what: criu opened the four layers beneath their restored mounts, rootlow beneath the root" test "$(grep -cE \
		"Overlay ${id:-none}: (upper layer 0 is \"u\"|work layer 0 is \"w\"|lower layer 1 is \"l1\"|lower layer 2 is \"rootlow\") beneath mount [0-9]+ " "$rl")" = 4
	check "$what: criu checked the root's layer by its file handle (a FID: podman's root overlay)" \
		grep -qE "Overlay ${id:-none}: lower layer 2 has the dumped file handle$" "$rl"
	check "$what: criu mounted /o from its 4 layers by /proc/self/fd (6.12: no FSCONFIG_SET_FD)" \
		grep -qE "Overlay ${id:-none}: mounted from 4 layers \(by /proc/self/fd\)$" "$rl"
	check "$what: no Error line in the restore log" bash -c "test -s '$rl' && ! grep -q 'Error' '$rl'"
	grep -E 'Error|Overlay [0-9]+:' "$rl" | log
	pid=$(cpid ct)
	state "$what" "$pid"
	check "$what: /o's options name no layer path: lowerdir+ twice, upperdir, workdir, each /proc/self/fd/N" only_fds "$pid"
done
[ "$cycles" -gt 0 ] && took "three cycles"
P rm -f -t 0 ct > /dev/null 2>&1
finish
