#!/usr/bin/env bash
# tests/criu/scenario.sh: checkpoint/restore of an overlay the way CRIU does
# it, twice, on the VM's kernel (run it through tests/vm/vm-run).
#
#   scenario.sh              patched kernel: every step must work
#   scenario.sh --unpatched  kernel without the series: the restore leaves
#                            stale layer strings and the second checkpoint
#                            fails, exactly as predicted (asserted)
#   scenario.sh --demo       the same story, told on screen (make demo)
#
# 1. An ext4 loop fs and a tmpfs hold two lowers, an upper and a work dir;
#    the overlay is mounted and written to.
# 2. Checkpoint: `ovl-layers --record` saves the descriptor and the other
#    mount options; the overlay is unmounted.
# 3. Restore as CRIU does: the layer filesystems show up under a yard
#    (/tmp/.criu.mntns.XXXX/9-0000000000/), the overlay is re-created
#    there (`ovl-layers mount --load`), then pivot_root into the restored
#    root makes the yard vanish.  mountinfo now names yard paths that do
#    not exist, or (before Linux 6.13, where overlayfs takes no layer fds)
#    the fds of the process that mounted it (/proc/self/fd/N): the bug,
#    reproduced; the kernel's trusted.overlay.layers still resolves every
#    layer to where it really is.
# 4. A second checkpoint from the restored overlay, restored elsewhere:
#    same uuids and handles as the first.
# 5. A layer path covered by another mount at restore: the overlay is
#    re-created through the layer's fd.
# Appends "cr <passed> <failed>" (or cr-unpatched) to $OVT_RESULTS.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/common/jqe.sh
. "$top/tests/common/jqe.sh"
mode=test
[ "${1:-}" = --unpatched ] && mode=unpatched
[ "${1:-}" = --demo ] && mode=demo
suite=cr
[ $mode = unpatched ] && suite=cr-unpatched

# A private mount namespace for the whole story.
if [ -z "${CR_INNER:-}" ]; then
	CR_INNER=1 exec unshare -m --propagation private "$0" "$@"
fi

cli=$top/build/bin/ovl-layers
pass=0 fail=0
say() { [ $mode = demo ] && printf '\n\033[1m== %s\033[0m\n' "$*"; true; }
# show: a command that only informs (run in the demo only); act: a step
# of the story (always run, and shown in the demo)
show() { [ $mode = demo ] && { printf '\033[36m$ %s\033[0m\n' "$*"; eval "$*"; }; true; }
act() { [ $mode = demo ] && printf '\033[36m$ %s\033[0m\n' "$*"; eval "$*"; }
ok() { pass=$((pass + 1)); [ $mode = demo ] || echo "$suite: ok   $*"; }
ko() { fail=$((fail + 1)); echo "$suite: FAIL $*"; }
check() { local what=$1; shift; if "$@" > /dev/null 2>&1; then ok "$what"; else ko "$what"; fi; }
# In the unpatched run, the steps that need the xattr must fail.
expect() { local what=$1; shift
	if [ $mode = unpatched ]; then
		if "$@" > /dev/null 2>&1; then ko "$what (should fail without the series)"; else ok "$what fails without the series, as predicted"; fi
	else
		check "$what" "$@"
	fi; }
finish() {
	[ $mode = demo ] || echo "$suite: $pass passed, $fail failed"
	[ -n "${OVT_RESULTS:-}" ] && echo "$suite $pass $fail" >> "$OVT_RESULTS"
	[ "$fail" = 0 ]; exit
}
mountinfo_of() { grep " $1 " /proc/self/mountinfo | grep -o 'lowerdir=[^ ]*'; }

# --- 1. the overlay ---------------------------------------------------
say "1. An overlay over an ext4 loop fs and a tmpfs"
W=$(mktemp -d /tmp/cr.XXXXXX)
mount -t tmpfs work "$W"
truncate -s 64M "$W/ext4.img"
mkfs.ext4 -q -U 0ddba11c-0ffe-e000-0000-00000000cafe "$W/ext4.img"
mkdir -p "$W/ext" "$W/mem" "$W/ovl"
mount -o loop "$W/ext4.img" "$W/ext"
mount -t tmpfs layers "$W/mem"
mkdir "$W/ext/lower1" "$W/mem/lower2" "$W/ext/upper" "$W/ext/work"
echo "from lower1" > "$W/ext/lower1/a"
echo "from lower2" > "$W/mem/lower2/b"
mount -t overlay overlay -o "lowerdir=$W/ext/lower1:$W/mem/lower2,upperdir=$W/ext/upper,workdir=$W/ext/work" "$W/ovl"
echo "appended" >> "$W/ovl/a"
echo "written before the checkpoint" > "$W/ovl/c"
show "getfattr -n trusted.overlay.layers -e hex $W/ovl"
show "$cli -o KIND,INDEX,MAJ:MIN,UUID,STATUS,PATH $W/ovl"
show "grep ' $W/ovl ' /proc/self/mountinfo"
expect "the kernel exports the layers" getfattr -n trusted.overlay.layers "$W/ovl"

# --- 2. checkpoint ----------------------------------------------------
say "2. Checkpoint: save the record, unmount the overlay"
mkdir -p "$W/images"
act "$cli --record $W/images/ovl1.json --no-resolve -o KIND,INDEX $W/ovl" > /dev/null 2>&1
check "checkpoint record written" jqe '.version == 1' "$W/images/ovl1.json"
show "cat $W/images/ovl1.json"
umount "$W/ovl"

# --- 3. restore like CRIU ---------------------------------------------
say "3. Restore as CRIU does: layers under a yard, overlay re-created there, pivot_root"
Y=/tmp/.criu.mntns.$$
R=$Y/9-0000000000
mkdir -p "$Y"
mount -t tmpfs yard "$Y"
mkdir -p "$R"
mount -t tmpfs root "$R"
mkdir -p "$R/data/ext" "$R/data/mem" "$R/ovl" "$R/images" "$R/usr" "$R/etc" \
	"$R/proc" "$R/dev" "$R/tmp" "$R/run" "$R/old" "$R$top"
mount -t tmpfs run "$R/run"
# the container's own root needs programs and /proc
for d in usr etc dev; do mount --rbind "/$d" "$R/$d"; done
for l in bin sbin lib lib64; do [ -L "/$l" ] && ln -s "$(readlink "/$l")" "$R/$l"; done
mount --rbind "$top" "$R$top"
mount -t proc proc "$R/proc"
cp "$W/images/ovl1.json" "$R/images/"
# the layer filesystems exist only under the yard now
mount --bind "$W/ext" "$R/data/ext"
mount --bind "$W/mem" "$R/data/mem"
umount "$W/ext" "$W/mem"
act "$cli mount --load $R/images/ovl1.json $R/ovl"
check "overlay re-created from the record under the yard" mountpoint -q "$R/ovl"
show "grep ' $R/ovl ' /proc/self/mountinfo"
cd "$R"
pivot_root . old
cd /
umount -l /old
check "the yard is gone after pivot_root" test ! -e "$Y"
say "   after pivot_root: mountinfo names the layers as the kernel was given them"
show "grep ' /ovl ' /proc/self/mountinfo"
# ovl-layers mount hands the kernel the fds of the directories it checked:
# a kernel that takes fds (6.13+) shows their yard paths, an older one the
# links, /proc/self/fd/N of the ovl-layers process, which is gone
check "mountinfo names the yard or the mounter's fds (the bug, reproduced)" bash -c "grep ' /ovl ' /proc/self/mountinfo | grep -qE 'lowerdir[+]?=($R/data/ext/lower1|/proc/self/fd/[0-9]+)'"
check "the yard paths do not exist any more" test ! -e "$R/data/ext/lower1"
show "$cli --source mountinfo /ovl"
check "the mountinfo fallback fails on them" bash -c "! $cli --source mountinfo /ovl"
say "   but the kernel's layers xattr says where the layers really are"
show "$cli -o KIND,INDEX,STATUS,PATH,TARGET,SOURCE /ovl"
expect "every layer resolves to its real path" bash -c "$cli -n -r -o STATUS,PATH /ovl | diff - <(printf 'ok /data/ext/upper\nok /data/ext/work\nok /data/ext/lower1\nok /data/mem/lower2\n')"
check "files read back" bash -c "[ \"\$(cat /ovl/a)\" = \$'from lower1\nappended' ] && grep -qx 'from lower2' /ovl/b && grep -qx 'written before the checkpoint' /ovl/c"
echo "written after the restore" > /ovl/d
check "a new write lands in the same upper" grep -qx 'written after the restore' /data/ext/upper/d

# --- 4. a second checkpoint and restore --------------------------------
say "4. Second checkpoint, from the restored overlay"
act "$cli --record /images/ovl2.json -o KIND,INDEX,STATUS,PATH /ovl"
expect "second checkpoint works" test -s /images/ovl2.json
expect "same uuids and handles as the first" bash -c "[ \"\$(jq -r .descriptor /images/ovl1.json)\" = \"\$(jq -r .descriptor /images/ovl2.json)\" ]"
umount /ovl
mkdir -p /yard2/ext /yard2/mem /restored /final/ext /final/mem
mount --bind /data/ext /yard2/ext
mount --bind /data/mem /yard2/mem
umount /data/ext /data/mem
expect "second restore mounts" $cli mount --load /images/ovl2.json /restored
mount --move /yard2/ext /final/ext
mount --move /yard2/mem /final/mem
show "$cli -o KIND,INDEX,STATUS,PATH /restored"
expect "after the second restore every layer resolves" bash -c "$cli -n -r -o STATUS,PATH /restored | diff - <(printf 'ok /final/ext/upper\nok /final/ext/work\nok /final/ext/lower1\nok /final/mem/lower2\n')"
expect "files survive two C/R cycles" grep -qx 'written after the restore' /restored/d

# --- 5. a covered layer path --------------------------------------------
say "5. A layer path covered by another mount: re-created through its fd"
mountpoint -q /restored && umount /restored
mount -t tmpfs cover /final/mem/lower2
show "$cli --load /images/ovl1.json -o KIND,INDEX,STATUS,PATH"
# the first record is sound in both runs: its strings were true when saved
check "the covered layer is shadowed, not lost" bash -c "$cli --load /images/ovl1.json -n -r -o INDEX,STATUS | grep -qx '2 shadowed'"
mkdir -p /again
check "re-created through /proc/self/fd" $cli mount --load /images/ovl1.json /again
check "the covered layer's files are there" grep -qx 'from lower2' /again/b
say "Done: $pass checks passed, $fail failed"
finish
