#!/usr/bin/env bash
# tests/criu/criu.sh: Debian's criu 3.17.1 checkpoints and restores a
# container that mounted its own overlay, on Debian's stock 6.12 kernel
# (run it through `tests/vm/vm-run --stock`, after tests/criu/stock-kernel).
#
#   criu.sh              the series' overlay.ko:
#                        1. with ovl_layers_plugin.so: dump, restore, three
#                           times, then once more with --mntns-compat-mode;
#                           after each restore the process runs, its open
#                           files read back, the overlay's layers resolve
#                           to the container's own paths
#                        2. the seed's bug: the restored container dumped
#                           without the plugin; mountinfo names a yard that
#                           is gone, or the fds the plugin mounted it
#                           through, and CRIU's restore fails on them
#                        3. a fresh container without the plugin: CRIU's
#                           first restore already fails (the layer paths
#                           are the container's, CRIU mounts from its own
#                           root)
#                        4. a container whose root is an overlay mounted
#                           by its runtime: one cycle, the root left to
#                           criu --root
#                        5. the documented limit: an overlay deeper than
#                           its layers' mounts fails to restore, and the
#                           plugin says why
#                        6. a reused images folder: an earlier dump's
#                           mountpoints image is left alone
#   criu.sh --demo       3, 1 (three cycles) and 2, told on screen
#                        (make demo)
#   criu.sh --installed  3, 1 (one cycle) and 2 with what the Debian
#                        packages installed (the packages suite): the
#                        plugin found by criu itself in /usr/lib/criu (no
#                        -L), /usr/bin/ovl-layers; "packages-criu" results
#   criu.sh --unpatched  the stock kernel's own overlay.ko (no layers
#                        xattr): the plugin describes the overlay from the
#                        option strings once; the second dump refuses, and
#                        so does its restore
#   CRIU_CASES="zombie_in_the_tree ..." criu.sh
#                        only the named cases (one cycle each), to run a
#                        case many times
#
# The container: a process tree in new mount, pid, uts and ipc namespaces,
# pivot_rooted into a tmpfs of its own with busybox, which mounts a tmpfs
# at /l1, an ext4 loop image at /l2, a tmpfs at /up, and the overlay
# lowerdir=/l1:/l2,upperdir=/up/u,workdir=/up/w at /ovl, and keeps three
# files of it open (fd 3 /ovl/a read 4 bytes in, fd 4 /ovl/c appended to
# every second, fd 5 /ovl/b from the ext4 lower); /ovlb is a bind mount of
# /ovl, and /ovl2 a second overlay, read-only and nosuid, over /base (a
# directory of the container's root filesystem) and /l1.
# Appends "criu <passed> <failed>" (or criu-unpatched) to $OVT_RESULTS and
# prints CRIU's own messages for the closing note ("log:" lines).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/common/jqe.sh
. "$top/tests/common/jqe.sh"
mode=patched
[ "${1:-}" = --unpatched ] && mode=unpatched
[ "${1:-}" = --demo ] && mode=demo
[ "${1:-}" = --installed ] && mode=installed
suite=criu
[ $mode = unpatched ] && suite=criu-unpatched
[ $mode = installed ] && suite=packages-criu
demo() { [ $mode = demo ]; }

cli=$top/build/bin/ovl-layers
plugin_dir=$top/build/criu
# installed: no -L, criu looks in its own folder
[ $mode = installed ] && { cli=/usr/bin/ovl-layers; plugin_dir=; }
no_plugin=$(mktemp -d /tmp/noplugin.XXXXXX)	# criu -L: an empty folder
pass=0 fail=0
ok() { pass=$((pass + 1)); demo || echo "$suite: ok   $*"; }
ko() { fail=$((fail + 1)); echo "$suite: FAIL $*"; }
# a check reads no stdin: jqe on a file never written sees no input, fails
check() { local what=$1; shift; if "$@" < /dev/null > /dev/null 2>&1; then ok "$what"; else ko "$what"; fi; }
# no_error_in LOG: LOG was written and has no Error line (a log that is
# missing or empty is a failure, not a clean run)
no_error_in() { [ -s "$1" ] && ! grep -q Error "$1"; }
finish() {
	if demo; then
		say "Done: $pass checks passed, $fail failed"
	else
		echo "$suite: $pass passed, $fail failed"
	fi
	[ -n "${OVT_RESULTS:-}" ] && echo "$suite $pass $fail" >> "$OVT_RESULTS"
	[ "$fail" = 0 ]; exit
}
# CRIU's own lines worth reading, from a log (the demo shows them as they
# are, without criu's time stamps)
log() {
	if demo; then
		grep -E "$2" "$1" | grep -v 'util.c:642' | sed -E 's/^\([0-9. ]+\) *(1: )?/    /'
	else
		grep -E "$2" "$1" | sed "s/^/$suite: log: /"
	fi
}
# the demo's headings and the commands it shows (run only there)
say() { demo && printf '\n\033[1m== %s\033[0m\n' "$*"; true; }
show() { demo && { tell "$*"; eval "$*"; }; true; }
tell() { demo && printf '\033[36m$ %s\033[0m\n' "$*"; true; }
if [ $mode = installed ]; then
	check "the plugin is where criu looks, from its package" \
		bash -c "dpkg -S /usr/lib/criu/ovl_layers_plugin.so | grep -q '^ovl-layers-criu-plugin: '"
	check "ovl-layers is /usr/bin's, from its package" \
		bash -c "[ \"\$(command -v ovl-layers)\" = /usr/bin/ovl-layers ] && dpkg -S /usr/bin/ovl-layers | grep -q '^ovl-layers: '"
else
	[ -x "$plugin_dir/ovl_layers_plugin.so" ] || { ko "no $plugin_dir/ovl_layers_plugin.so (make)"; finish; }
fi
command -v criu > /dev/null || { ko "criu is not installed (tests/criu/stock-kernel)"; finish; }

ip link set lo up
# the demo shows the kernel's messages itself (dmesg): not on the console too
demo && dmesg -n 1
mount --make-rprivate /
W=$(mktemp -d /tmp/criu.XXXXXX)
mount -t tmpfs work "$W"

# The ext4 lower: an image with a fixed uuid behind a loop device that
# stays attached (CRIU re-mounts the same device at restore).
truncate -s 32M "$W/l2.img"
mkfs.ext4 -q -U 0ddba11c-c0de-4000-8000-00000000c2c2 "$W/l2.img"
mkdir "$W/mnt"
mount -o loop "$W/l2.img" "$W/mnt" && echo two > "$W/mnt/b" && umount "$W/mnt"
loop=$(losetup -f --show "$W/l2.img")

# new_container NAME [COMMANDS]: start one (COMMANDS run in it after its
# mounts), print its init's pid: the one child of unshare -f, whatever it
# became (the zombie case execs tests/criu/unreaped), once its mounts are
# there; nothing, and a FAIL line on stderr, if it never got there.  Its root is a tmpfs, or with
# rootfs=overlay an overlay mounted out here, as container runtimes do
# (then /ovl2's first layer is /l2, not a directory of the root: an overlay
# cannot be a layer that file handles find, see NOTES in
# ovl_layers_plugin(1)).
rootfs=tmpfs
new_container() {
	local R=$W/$1 base=/base
	mkdir -p "$R"
	if [ $rootfs = overlay ]; then
		mkdir -p "$W/$1-fs"
		mount -t tmpfs "rootfs-$1" "$W/$1-fs"
		mkdir "$W/$1-fs/lower" "$W/$1-fs/upper" "$W/$1-fs/work"
		mount -t overlay "root-$1" -o "lowerdir=$W/$1-fs/lower,upperdir=$W/$1-fs/upper,workdir=$W/$1-fs/work" "$R"
		base=/l2
	else
		mount -t tmpfs "root-$1" "$R"
	fi
	mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/tmp" "$R/l1" "$R/l2" "$R/up" "$R/ovl" \
		"$R/ovlb" "$R/ovl2" "$R/base" "$R/deep/er/ovl3" "$R/old"
	echo base > "$R/base/f"
	cp /bin/busybox "$R/bin/"
	for c in sh sleep cat mount umount mkdir echo printf setsid; do ln -s busybox "$R/bin/$c"; done
	if [ -x "$top/build/tests/criu/unreaped" ]; then cp "$top/build/tests/criu/unreaped" "$R/bin/"; fi
	cp -a "$loop" "$R/dev/"
	cat > "$R/bin/init" <<-EOF
	#!/bin/sh
	mount -t proc proc /proc
	mount -t tmpfs l1 /l1
	mount -t ext4 $loop /l2
	mount -t tmpfs up /up
	mkdir /up/u /up/w
	printf 'one\nsecond\n' > /l1/a
	mount -t overlay ovl -o lowerdir=/l1:/l2,upperdir=/up/u,workdir=/up/w /ovl
	mount --bind /ovl /ovlb
	mount -t overlay ovl2 -o ro,nosuid,lowerdir=$base:/l1 /ovl2
	${2:-}
	echo start > /ovl/c
	exec 0</bin/init 1>>/tmp/out 2>&1
	exec 3</ovl/a
	read -r first <&3
	exec 4>>/ovl/c
	exec 5</ovl/b
	while :; do echo tick >&4; sleep 1; done
	EOF
	chmod +x "$R/bin/init"
	unshare -m -p -u -i -f --propagation private sh -c \
		"cd $R && pivot_root . old && umount -l /old && exec setsid /bin/init" \
		< /dev/null > /dev/null 2>&1 &
	local parent=$! pid='' _
	for _ in $(seq 50); do
		pid=$(pgrep -P "$parent" | head -n 1)
		[ -n "$pid" ] && grep -q ' /ovl2 ' "/proc/$pid/mountinfo" 2>/dev/null && { echo "$pid"; return 0; }
		sleep 0.2
	done
	echo "$suite: container $1 did not start (its init's output: $(tail -n 3 "$R/tmp/out" 2>/dev/null))" >&2
	return 1
}

# dump NAME PLUGINDIR IMAGES PID [criu options]; an empty PLUGINDIR: no
# -L, criu's own folder
dump() {
	local name=$1 libdir=$2 img=$3 pid=$4; shift 4
	[ -n "$pid" ] || { echo "$suite: no process to dump for $name" >&2; return 1; }
	mkdir -p "$img"
	criu dump -t "$pid" -D "$img" -o dump.log -v4 ${libdir:+-L "$libdir"} --enable-fs ext4 "$@"
}
# restore NAME PLUGINDIR IMAGES [criu options]: prints the new pid
restore() {
	local name=$1 libdir=$2 img=$3; shift 3
	criu restore -D "$img" -o restore.log -v4 ${libdir:+-L "$libdir"} -d --root "$W/$name" \
		--enable-fs ext4 --pidfile "$img/pid" "$@" && cat "$img/pid"
}
# the overlay's MntEntry member $2, as crit decodes the image in $1
overlay_entry() {
	crit decode -i "$1"/mountpoints-*.img | jq -r ".entries[] | select(.mountpoint == \"/ovl\") | .$2"
}
ticks() { grep -c tick "/proc/$1/root/ovl/c"; }
# more_ticks PID N: wait (at most 10 s) until the command, which writes a
# tick a second, has written more than N
more_ticks() { for _ in $(seq 50); do [ "$(ticks "$1")" -gt "$2" ] && return 0; sleep 0.2; done; return 1; }
# the layers of overlay $2 as ovl-layers sees them in process $1's view
layers_of() { "$cli" -N "$1" -n -r -o KIND,INDEX,STATUS,PATH,SOURCE "$2"; }
ovl_layers='upper 0 ok /up/u xattr
work 0 ok /up/w xattr
lower 1 ok /l1 xattr
lower 2 ok /l2 xattr'
ovl2_layers='lower 1 ok /base xattr
lower 2 ok /l1 xattr'
# ovl-layers fails on /ovl in process $1's view, the strings being stale:
# paths of a yard that is gone, or the fds the plugin mounted it through
fallback_says_stale() {
	local out
	out=$("$cli" -N "$1" /ovl 2>&1) && return 1
	grep -qE 'the path strings are stale|given as a file descriptor .*stale' <<< "$out"
}
# the strings of /ovl in process $1's view name no place of the container:
# CRIU's yard (gone), or the fds the plugin mounted it through (a kernel
# before 6.13 takes fds as /proc/self/fd/N strings, and shows those)
strings_name_no_place() {
	local opts yard
	opts=$(grep ' /ovl ' "/proc/$1/mountinfo") || return 1
	grep -qE 'lowerdir[+]?=/proc/self/fd/[0-9]+' <<< "$opts" && return 0
	yard=$(grep -o '/tmp/\.criu\.mntns\.[^/]*' <<< "$opts" | head -n 1)
	test -n "$yard" -a ! -e "$yard"
}
# mountinfo's per-mount options of mount point $2 in process $1's view
mount_opts() { awk -v m="$2" '$5 == m { print $6 }' "/proc/$1/mountinfo"; }
# the plugin's file for the overlay at $2 in images $1
plugin_json() { grep -l "\"mountpoint\":\"$2\"" "$1"/ovl-layers-*.json | head -n 1; }

# After a restore: the process, its open files, the layers.
after_restore() {
	local n=$1 pid=$2 img=$3 t
	check "restore $n: the container's init runs ($pid)" test "$(cat "/proc/$pid/comm")" = init
	check "restore $n: in a pid namespace of its own" test "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)"
	check "restore $n: fd 3 is /ovl/a" test "$(readlink "/proc/$pid/fd/3")" = /ovl/a
	check "restore $n: fd 3 kept its offset (4)" grep -qx 'pos:[[:space:]]*4' "/proc/$pid/fdinfo/3"
	check "restore $n: fd 3 reads back" test "$(cat "/proc/$pid/fd/3")" = $'one\nsecond'
	check "restore $n: fd 5 reads back the ext4 lower's file" test "$(cat "/proc/$pid/fd/5")" = two
	check "restore $n: fd 4 is /ovl/c" test "$(readlink "/proc/$pid/fd/4")" = /ovl/c
	t=$(ticks "$pid")
	more_ticks "$pid" "$t"
	check "restore $n: the process appends through fd 4 again ($t ticks, then more)" test "$(ticks "$pid")" -gt "$t"
	check "restore $n: the overlay's layers resolve to the container's paths" \
		test "$(layers_of "$pid" /ovl)" = "$ovl_layers"
	check "restore $n: /ovlb is the same overlay as /ovl (a bind mount)" \
		test "$(stat -c %d:%i "/proc/$pid/root/ovlb" "/proc/$pid/root/ovlb/c")" = \
		"$(stat -c %d:%i "/proc/$pid/root/ovl" "/proc/$pid/root/ovl/c")"
	check "restore $n: /ovl2's layers, one on the container's root fs" \
		test "$(layers_of "$pid" /ovl2)" = "$ovl2_layers"
	check "restore $n: /ovl2 is read-only and nosuid again" \
		grep -qE '^ro,nosuid' <(mount_opts "$pid" /ovl2)
	check "restore $n: /ovl2 reads back" test "$(cat "/proc/$pid/root/ovl2/f")" = base
	check "restore $n: its mount options name no place of the container (CRIU's yard, gone, or the plugin's fds)" \
		strings_name_no_place "$pid"
	check "restore $n: the plugin placed the ext4 layer by its file handle" \
		grep -q 'ovl_layers: overlay /ovl (mount [0-9]*) mounted at .* from 4 layers (1 checked by file handle)' "$img/restore.log"
	check "restore $n: and bound /ovlb from it" \
		grep -q 'ovl_layers: overlay mount [0-9]*: a bind mount of ' "$img/restore.log"
}

after_dump() {
	local n=$1 img=$2 source=$3 json
	check "dump $n: the plugin described the three overlay mounts" \
		test "$(ls "$img"/ovl-layers-*.json | wc -l)" = 3
	json=$(plugin_json "$img" /ovl)
	check "dump $n: the plugin wrote $(basename "${json:-ovl-layers-?.json}") for /ovl" test -s "$json"
	check "dump $n: four layers, each on a mount of the checkpoint" \
		jqe '[.layers[] | "\(.kind) \(.mountpoint) \(.root)"] == ["upper /up /u", "work /up /w", "lower /l1 /", "lower /l2 /"]' "$json"
	check "dump $n: the descriptor came from the $source" jqe ".record.source == \"$source\"" "$json"
	check "dump $n: /ovl2's layers: /base on the root mount, /l1" \
		jqe '[.layers[] | "\(.kind) \(.mountpoint) \(.root)"] == ["lower / /base", "lower /l1 /"]' "$(plugin_json "$img" /ovl2)"
	check "dump $n: crit shows the overlay's MntEntry with_plugin" \
		test "$(overlay_entry "$img" with_plugin)" = true
}

# restore_fails NAME IMAGES WHAT PATH: criu restores NAME from IMAGES
# without the plugin, and fails where it mounts the overlay, the kernel
# naming the layer path PATH (a regex) it could not find
restore_fails() {
	local name=$1 img=$2 what=$3 path=$4
	tell "criu restore -D $img -L $no_plugin -d --root $W/$name --enable-fs ext4"
	pid=$(restore "$name" "$no_plugin" "$img")
	check "$what: the restore fails" test -z "$pid" -a -s "$img/restore.log"
	check "$what: criu cannot mount the overlay" grep -qE \
		"Error \(criu/mount.c:[0-9]+\): mnt: Unable to mount ovl /tmp/.criu.mntns.*: No such file or directory" "$img/restore.log"
	log "$img/restore.log" 'Error'
	dmesg | grep -E 'overlayfs: failed to resolve' | tail -n 1 > "$img/dmesg"
	check "$what: the kernel could not find $path" grep -qE "failed to resolve $path: -2" "$img/dmesg"
	log "$img/dmesg" 'overlayfs'
}

# --- 1. cycles with the plugin (the fourth in compat mode) ---
with_plugin() {
	local cycles=$1 n img opt
	say "With ovl_layers_plugin.so (criu -L $plugin_dir): $cycles checkpoints and restores"
	pid=$(new_container c1)
	check "container c1 runs its overlay" grep -q ' /ovl .* - overlay ' "/proc/$pid/mountinfo"
	for n in $(seq "$cycles"); do
		img=$W/c1-img$n
		opt=
		[ "$n" = 4 ] && opt=--mntns-compat-mode
		say "Checkpoint $n"
		tell "criu dump -t $pid -D $img -L $plugin_dir --enable-fs ext4"
		dump c1 "$plugin_dir" "$img" "$pid"
		check "dump $n with the plugin" test $? = 0
		log "$img/dump.log" 'Error|ovl_layers: overlay .* described'
		show "jq -c -M '.layers[] | {kind, index, mountpoint, root}' $(plugin_json "$img" /ovl)"
		after_dump "$n" "$img" xattr
		say "Restore $n ${opt:-}"
		tell "criu restore -D $img -L $plugin_dir -d --root $W/c1 --enable-fs ext4 $opt"
		pid=$(restore c1 "$plugin_dir" "$img" $opt)
		check "restore $n with the plugin ${opt:-(mount-v2)}" test -n "$pid"
		log "$img/restore.log" 'Error|ovl_layers: overlay .* mounted'
		[ -n "$pid" ] || continue
		show "grep ' /ovl ' /proc/$pid/mountinfo"
		say "   the strings name nothing that exists (a yard that is gone, or the plugin's fds); the layers xattr says where the layers are:"
		show "$cli -N $pid -o KIND,INDEX,STATUS,PATH,SOURCE /ovl"
		show "cat /proc/$pid/fd/3; tail -n 2 /proc/$pid/root/ovl/c"
		after_restore "$n" "$pid" "$img"
	done
}

# --- 2. the seed's bug: the restored container dumped without it ---
seed_bug() {
	local img=$W/c1-noplugin
	say "The seed's bug: the restored container, checkpointed without the plugin"
	tell "criu dump -t $pid -D $img -L $no_plugin --enable-fs ext4"
	dump c1 "$no_plugin" "$img" "$pid"
	check "without the plugin: dump of the restored container works" test $? = 0
	check "without the plugin: the image keeps stale strings (CRIU's yard, or the plugin's fds)" \
		grep -qE '^lowerdir[+]?=(/tmp/\.criu\.mntns\.|/proc/self/fd/[0-9])' <(overlay_entry "$img" options)
	demo || echo "$suite: log: mountpoints image: /ovl options=$(overlay_entry "$img" options)"
	show "crit decode -i $img/mountpoints-*.img | jq -r '.entries[] | select(.mountpoint == \"/ovl\") | .options'"
	restore_fails c1 "$img" "without the plugin, on the stale strings" "'(/tmp/\.criu\.mntns\.[^']*|/proc/self/fd/[0-9]+)'"
}

# --- 3. a fresh container, no plugin at all ---
no_plugin_at_all() {
	local img=$W/c2-noplugin
	say "Criu alone (no plugin) on a container that mounted its own overlay"
	pid=$(new_container c2)
	show "grep ' /ovl ' /proc/$pid/mountinfo"
	tell "criu dump -t $pid -D $img -L $no_plugin --enable-fs ext4"
	dump c2 "$no_plugin" "$img" "$pid"
	check "fresh container without the plugin: dump works" test $? = 0
	check "its image keeps the container's layer paths" \
		test "$(overlay_entry "$img" options)" = lowerdir=/l1:/l2,upperdir=/up/u,workdir=/up/w,uuid=on
	restore_fails c2 "$img" "fresh container without the plugin, from criu's own root" "'/l1'"
}

# --- 4. a container whose root is an overlay, as runc or podman make it:
# criu restores it with --root, the plugin leaves it alone ---
root_overlay() {
	local img=$W/c5-img
	rootfs=overlay
	pid=$(new_container c5)
	rootfs=tmpfs
	check "overlay root: the container's root is an overlay" \
		grep -q '^[0-9]* [0-9]* [0-9:]* / / .* - overlay ' "/proc/$pid/mountinfo"
	dump c5 "$plugin_dir" "$img" "$pid"
	check "overlay root: dump with the plugin" test $? = 0
	check "overlay root: the plugin described the overlays inside, not the root" \
		test "$(ls "$img"/ovl-layers-*.json | wc -l)" = 3 -a -z "$(plugin_json "$img" /)"
	pid=$(restore c5 "$plugin_dir" "$img")
	check "overlay root: restore with --root" test -n "$pid"
	check "overlay root: the root is the runtime's overlay again" \
		grep -q '^[0-9]* [0-9]* [0-9:]* / / .* - overlay ' "/proc/$pid/mountinfo"
	check "overlay root: /ovl's layers resolve to the container's paths" \
		test "$(layers_of "$pid" /ovl)" = "$ovl_layers"
	check "overlay root: fd 3 reads back" test "$(cat "/proc/$pid/fd/3")" = $'one\nsecond'
	log "$img/restore.log" 'Error|ovl_layers: overlay .* mounted'
}

# --- 5. a limit of criu 3.17 (ovl_layers_plugin(1), BUGS): it mounts
# deeper mount points of a parent first, so an overlay deeper than its
# layers' mounts comes before them; the plugin says so ---
deep_overlay() {
	local img=$W/c4-img
	pid=$(new_container c4 'mkdir /up/u3 /up/w3; mount -t overlay ovl3 -o lowerdir=/l1,upperdir=/up/u3,workdir=/up/w3 /deep/er/ovl3')
	dump c4 "$plugin_dir" "$img" "$pid"
	check "deep overlay: dump with the plugin" test $? = 0
	check "deep overlay: described" test -n "$(plugin_json "$img" /deep/er/ovl3)"
	pid=$(restore c4 "$plugin_dir" "$img")
	check "deep overlay: the restore fails, as documented" test -z "$pid" -a -s "$img/restore.log"
	check "deep overlay: the plugin names the layer mount not restored yet" \
		grep -q 'Error (ovl_layers): overlay /deep/er/ovl3 (mount [0-9]*): .* No such file or directory (is that mount restored after the overlay?)' "$img/restore.log"
	log "$img/restore.log" 'Error'
}

# --- 6. a reused images folder (podman's checkpoint --keep, criu -D on
# an old folder): an earlier dump's mountpoints image, of a namespace that
# is not this dump's, is neither read nor rewritten ---
reused_folder() {
	local img=$W/c6-img stale sum first first_sum
	pid=$(new_container c6)
	dump c6 "$plugin_dir" "$img" "$pid"
	check "reused folder: first dump" test $? = 0
	pid=$(restore c6 "$plugin_dir" "$img")
	check "reused folder: first restore" test -n "$pid"
	[ -n "$pid" ] || { log "$img/dump.log" 'Error|ovl_layers'; log "$img/restore.log" 'Error|ovl_layers'; }
	# the restored container's namespace is another one; an earlier
	# dump's image as it would be left (a copy under an id not this dump's)
	first=$(ls "$img"/mountpoints-*.img | head -n 1)
	first_sum=$(sha256sum < "$first")
	stale=$img/mountpoints-999999.img
	cp "$first" "$stale"
	sum=$(sha256sum < "$stale")
	rm -f "$img"/*.log "$img/pid"
	dump c6 "$plugin_dir" "$img" "$pid"
	check "reused folder: second dump into the same folder" test $? = 0
	check "reused folder: no Error line" no_error_in "$img/dump.log"
	check "reused folder: the earlier dump's image is not rewritten" test "$(sha256sum < "$stale")" = "$sum"
	check "reused folder: the plugin says it left it alone" \
		grep -q 'ovl_layers: mountpoints-999999.img: not this dump.s (an earlier dump.s in a reused folder): left alone' "$img/dump.log"
	# criu numbers the restored container's namespaces anew: the first
	# dump's own image is then stale too, and left as the first dump wrote it
	if grep -q "ovl_layers: $(basename "$first"): not this dump" "$img/dump.log"; then
		check "reused folder: the first dump's $(basename "$first") (stale now) is not rewritten" \
			test "$(sha256sum < "$first")" = "$first_sum"
	fi
	pid=$(restore c6 "$plugin_dir" "$img")
	check "reused folder: the second restore works" test -n "$pid"
	[ -n "$pid" ] && check "reused folder: the overlay's layers resolve to the container's paths" \
		test "$(layers_of "$pid" /ovl)" = "$ovl_layers"
	log "$img/dump.log" 'Error|left alone'
	log "$img/restore.log" 'Error'
}

# --- a task of the tree that exited and is not reaped: criu dumps a
# zombie with its core image (task state 2) and no ids image, and the
# plugin must still tell the dump's mount namespaces ---
dumped_zombie() {	# IMAGES: is there a zombie's core image without ids?
	local f p
	for f in "$1"/core-*.img; do
		[ -s "$f" ] || continue
		p=${f##*/core-}
		p=${p%.img}
		[ ! -e "$1/ids-$p.img" ] &&
			crit decode -i "$f" | jqe '.entries[0].tc.task_state == 2' > /dev/null && return 0
	done
	return 1
}
zombie_in_the_tree() {
	local img=$W/c7-img
	# its init becomes tests/criu/unreaped.c, whose child exits at once
	# and is never reaped (busybox sh reaps every child it has)
	pid=$(new_container c7 'exec 0</bin/init 1>>/tmp/out 2>&1; exec /bin/unreaped')
	check "zombie: container c7 runs tests/criu/unreaped" test "$(cat "/proc/$pid/comm")" = unreaped
	sleep 1
	check "zombie: its child is a zombie" grep -q '^State:.*Z' "/proc/$(pgrep -P "$pid" | head -n 1)/status"
	dump c7 "$plugin_dir" "$img" "$pid"
	check "zombie: dump with a zombie in the tree" test $? = 0
	check "zombie: criu dumped it (a core image of task state 2, no ids image)" dumped_zombie "$img"
	check "zombie: no Error line" no_error_in "$img/dump.log"
	check "zombie: the plugin described the three overlay mounts" \
		test "$(ls "$img"/ovl-layers-*.json 2> /dev/null | wc -l)" = 3
	pid=$(restore c7 "$plugin_dir" "$img")
	check "zombie: the restore works" test -n "$pid"
	[ -n "$pid" ] && check "zombie: the overlay's layers resolve to the container's paths" \
		test "$(layers_of "$pid" /ovl)" = "$ovl_layers"
	log "$img/dump.log" 'Error'
	log "$img/restore.log" 'Error'
}

if [ $mode = demo ] || [ $mode = installed ]; then
	no_plugin_at_all
	# installed: one cycle (this suite's own run has the others), enough
	# for the seed's bug on the restored container
	if [ $mode = demo ]; then with_plugin 3; else with_plugin 1; fi
	seed_bug
elif [ $mode = patched ] && [ -n "${CRIU_CASES:-}" ]; then
	# CRIU_CASES="zombie_in_the_tree …": those cases alone, to run one
	# again and again (with_plugin takes its cycles: with_plugin 1)
	for c in $CRIU_CASES; do
		case $c in
		with_plugin|no_plugin_at_all|root_overlay|deep_overlay|reused_folder|zombie_in_the_tree) "$c" 1 ;;
		*) ko "CRIU_CASES: no case $c" ;;
		esac
	done
elif [ $mode = patched ]; then
	with_plugin 4
	seed_bug
	no_plugin_at_all
	root_overlay
	deep_overlay
	reused_folder
	zombie_in_the_tree
else
	# --- the stock overlay module: the plugin without the xattr ---
	pid=$(new_container c3)
	check "container c3 runs its overlay" grep -q ' /ovl .* - overlay ' "/proc/$pid/mountinfo"
	img=$W/c3-img1
	dump c3 "$plugin_dir" "$img" "$pid"
	check "unpatched: dump 1 with the plugin" test $? = 0
	check "unpatched: the plugin says it trusts the option strings" \
		grep -q 'Warn  (ovl_layers): overlay /ovl (mount [0-9]*): the kernel has no trusted.overlay.layers' "$img/dump.log"
	log "$img/dump.log" 'Error|Warn  \(ovl_layers\)'
	after_dump 1 "$img" mountinfo
	pid=$(restore c3 "$plugin_dir" "$img")
	check "unpatched: restore 1 works (the strings were true at dump 1)" test -n "$pid"
	log "$img/restore.log" 'Error|ovl_layers: overlay .* mounted'
	check "unpatched: restore 1: fd 3 reads back" test "$(cat "/proc/$pid/fd/3")" = $'one\nsecond'
	check "unpatched: restore 1: the strings name CRIU's yard or the plugin's fds now" \
		strings_name_no_place "$pid"
	check "unpatched: restore 1: so the fallback cannot find the layers any more" \
		fallback_says_stale "$pid"
	img=$W/c3-img2
	dump c3 "$plugin_dir" "$img" "$pid"
	check "unpatched: dump 2 completes (a plugin cannot fail it from its exit hook)" test $? = 0
	check "unpatched: the plugin refuses to describe the overlay from stale strings" \
		grep -q 'Error (ovl_layers): overlay /ovl (mount [0-9]*) cannot be described: .*stale' "$img/dump.log"
	log "$img/dump.log" 'Error'
	pid=$(restore c3 "$plugin_dir" "$img")
	check "unpatched: restore 2 fails" test -z "$pid" -a -s "$img/restore.log"
	check "unpatched: with the plugin's reason" \
		grep -q 'Error (ovl_layers): overlay /ovl (mount [0-9]*) was not described at checkpoint time: .*stale' "$img/restore.log"
	log "$img/restore.log" 'Error'
fi
finish
