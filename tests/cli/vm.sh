#!/usr/bin/env bash
# The CLI on the patched kernel (run inside tests/vm/vm-run): what the tool
# says for a mount equals what it says for the getfattr dump of the same
# xattr, and --save writes exactly the xattr bytes; the privilege errors
# and --origin where the kernel has the xattr.  "cli-vm P F".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cli=$top/build/bin/ovl-layers
pass=0 fail=0
check() { local what=$1; shift; if "$@" > /dev/null 2>&1; then pass=$((pass+1)); echo "cli-vm: ok   $what"; else fail=$((fail+1)); echo "cli-vm: FAIL $what"; fi; }

mount --make-rprivate /
d=$(mktemp -d); mount -t tmpfs t "$d"; cd "$d"
mkdir -p a b u w m; mount -t tmpfs b b; mkdir a/l1 b/l2
mount -t overlay o -o "lowerdir=$d/a/l1:$d/b/l2,upperdir=$d/u,workdir=$d/w" m
cols=KIND,INDEX,MAJ:MIN,UUID,FHTYPE,HANDLE,ID,UNIQ-ID,TARGET,FSROOT,ROOT,PATH,STATUS
"$cli" -o "$cols" m > from-mount.txt 2> from-mount.err; rc=$?
check "exit 0 on the patched kernel" test "$rc" = 0
check "no fallback warning" test ! -s from-mount.err
check "source is statmount (the series' field, read before the xattr)" bash -c "[ \"\$($cli -n -o SOURCE m | sort -u)\" = statmount ]"
getfattr -n trusted.overlay.layers -e hex m 2>/dev/null | "$cli" --load - -o "$cols" > from-getfattr.txt
check "table from the mount == table from getfattr | --load -" cmp from-mount.txt from-getfattr.txt
"$cli" --save saved.bin --no-resolve m > /dev/null
getfattr -n trusted.overlay.layers -e hex --only-values m 2>/dev/null > /dev/null
python3 - "$d" <<'PY' && pass=$((pass+1)) && echo "cli-vm: ok   --save bytes == the xattr" || { fail=$((fail+1)); echo "cli-vm: FAIL --save bytes == the xattr"; }
import os, sys
d = sys.argv[1]
v = os.getxattr(d + "/m", "trusted.overlay.layers")
sys.exit(0 if open(d + "/saved.bin", "rb").read() == v else 1)
PY
check "every layer ok with its real path" bash -c "$cli -n -r -o STATUS,PATH m | diff - <(printf 'ok $d/u\nok $d/w\nok $d/a/l1\nok $d/b/l2\n')"

# privilege: without CAP_SYS_ADMIN statmount leaves its field out and the
# kernel answers the xattr with ENODATA; without CAP_DAC_READ_SEARCH the
# value reads but no handle opens: a layer is found by its path string or
# its path from its filesystem's root, checked by its handle, or is
# no-permission
setpriv --reuid=65534 --regid=65534 --clear-groups "$cli" m > nobody.out 2> nobody.err; rc=$?
check "without CAP_SYS_ADMIN: exit 1, no table, says so" bash -c "[ $rc = 1 ] && [ ! -s nobody.out ] && [ \"\$(cat nobody.err)\" = 'ovl-layers: m: no privilege to read the layers xattr (needs CAP_SYS_ADMIN)' ]"
setpriv --inh-caps=-dac_read_search --bounding-set=-dac_read_search "$cli" -n -r -o SOURCE,STATUS m > nodac.out 2> nodac.err; rc=$?
check "without CAP_DAC_READ_SEARCH: exit 0, statmount's field read, every layer found by its path string and checked by handle" bash -c "[ $rc = 0 ] && [ \"\$(sort -u nodac.out)\" = 'statmount ok' ] && [ ! -s nodac.err ]"
"$cli" --save nodac.bin --no-resolve m > /dev/null 2>&1
setpriv --inh-caps=-dac_read_search --bounding-set=-dac_read_search "$cli" --load nodac.bin -n -r -o SOURCE,STATUS > nodac2.out 2> nodac2.err; rc=$?
check "without CAP_DAC_READ_SEARCH, saved bytes (no path strings): exit 0, every layer found by format 2's path from its filesystem's root, checked by handle" bash -c "[ $rc = 0 ] && [ \"\$(sort -u nodac2.out)\" = 'buffer ok' ] && [ ! -s nodac2.err ]"
# a lower renamed since the save: its path leads nowhere, its handle does
# not open without the capability
mv b/l2 b/l2x
setpriv --inh-caps=-dac_read_search --bounding-set=-dac_read_search "$cli" --load nodac.bin -n -r -o INDEX,STATUS > nodac3.out 2> nodac3.err; rc=$?
mv b/l2x b/l2
check "without CAP_DAC_READ_SEARCH, a saved lower renamed since: exit 1, that layer no-permission, one line" bash -c "[ $rc = 1 ] && [ \"\$(cat nodac3.out)\" = \"\$(printf '0 ok\n0 ok\n1 ok\n2 no-permission')\" ] && [ \"\$(cat nodac3.err)\" = 'ovl-layers: nodac.bin: no privilege to open the layers by file handle (needs CAP_DAC_READ_SEARCH)' ]"

# --origin: the upper file found through the xattr's upper layer
echo lower > a/l1/f; mkdir a/l1/sub; echo deep > a/l1/sub/g
echo more >> m/f; echo deeper >> m/sub/g; touch m/new
mkdir bm; mount --bind m/sub bm
check "--origin through the overlay names the lower file" bash -c "[ \"\$($cli --origin m/f -n -r -o SOURCE,STATUS,PATH)\" = 'origin ok $d/a/l1/f' ]"
check "--origin on the upper file" bash -c "[ \"\$($cli --origin u/f -n -o PATH)\" = '$d/a/l1/f' ]"
check "--origin through a bind mount of a subdir" bash -c "[ \"\$($cli --origin bm/g -n -o PATH)\" = '$d/a/l1/sub/g' ]"
"$cli" --origin m/new > new.out 2> new.err; rc=$?
check "--origin on a new file: exit 1, no origin" bash -c "[ $rc = 1 ] && [ ! -s new.out ] && [ \"\$(cat new.err)\" = 'ovl-layers: m/new: has no origin (not copied up, or created in the upper layer)' ]"
# --check on the patched 7.3 kernel, as root: statmount's field
"$cli" --check -J > check.json 2> check.err; rc=$?
check "--check: exit 0, the kernel's description from statmount's field, the xattr the kernel's" bash -c "[ $rc = 0 ] && [ ! -s check.err ] && jq -e '.way == \"statmount\" and .statmount_layers == true and .xattr == \"produces\" and .statmount_by_fd == true and .unique_mount_ids == true' check.json"
echo "cli-vm: $pass passed, $fail failed"
[ -n "${OVT_RESULTS:-}" ] && echo "cli-vm $pass $fail" >> "$OVT_RESULTS"
[ "$fail" = 0 ]
