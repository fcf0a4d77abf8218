#!/usr/bin/env bash
# The CLI on the patched kernel (run inside tests/vm/vm-run): what the tool
# says for a mount equals what it says for the getfattr dump of the same
# xattr, and --save writes exactly the xattr bytes.  "cli-vm P F".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cli=$top/build/bin/ovl-layers
pass=0 fail=0
check() { local what=$1; shift; if "$@" > /dev/null 2>&1; then pass=$((pass+1)); echo "cli-vm: ok   $what"; else fail=$((fail+1)); echo "cli-vm: FAIL $what"; fi; }

mount --make-rprivate /
d=$(mktemp -d); mount -t tmpfs t "$d"; cd "$d"
mkdir -p a b u w m; mount -t tmpfs b b; mkdir a/l1 b/l2
mount -t overlay o -o "lowerdir=$d/a/l1:$d/b/l2,upperdir=$d/u,workdir=$d/w" m
cols=KIND,INDEX,DEV,UUID,FHTYPE,HANDLE,MNTID,MOUNT,ROOT,PATH,STATUS
"$cli" -o "$cols" m > from-mount.txt 2> from-mount.err; rc=$?
check "exit 0 on the patched kernel" test "$rc" = 0
check "no fallback warning" test ! -s from-mount.err
check "source is the xattr" bash -c "$cli -n -o SOURCE m | sort -u | grep -qx xattr"
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
echo "cli-vm: $pass passed, $fail failed"
[ -n "${OVT_RESULTS:-}" ] && echo "cli-vm $pass $fail" >> "$OVT_RESULTS"
[ "$fail" = 0 ]
