#!/usr/bin/env bash
# tests/packages/guest.sh DEBDIR: the packages installed as a user would,
# in the stock-kernel VM with a writable root and no overlay module loaded
# (tests/packages/run starts it: vm-run --stock --no-overlay --root-upper).
#   1. apt-get install ./*.deb: DKMS builds the module for the running
#      kernel; modinfo names it, modprobe loads it, the xattr is there,
#      /usr/bin/ovl-layers reads it, the -dev package builds a program
#   2. real criu with the plugin criu finds itself (criu.sh --installed)
#   3. apt-get remove: DKMS forgets the module, the in-tree one is back;
#      apt-get purge: nothing of the packages is left
# Appends "packages-guest P F" to $OVT_RESULTS (criu.sh adds its own).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
debs=$1
ver=$(cat "$top/VERSION")
kver=$(uname -r)
pkgs="libovllayers0 libovllayers-dev ovl-layers ovl-layers-criu-plugin overlay-layers-dkms"
intree=/lib/modules/$kver/kernel/fs/overlayfs/overlay.ko.xz
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "packages: ok   $*"; }
ko() { fail=$((fail + 1)); echo "packages: FAIL $*"; }
check() { local what=$1; shift; if "$@" > /dev/null 2>&1; then ok "$what"; else ko "$what"; fi; }
log() { sed 's/^/packages: log: /'; }
finish() {
	echo "packages: guest: $pass passed, $fail failed"
	[ -n "${OVT_RESULTS:-}" ] && echo "packages-guest $pass $fail" >> "$OVT_RESULTS"
	exit 0
}
export DEBIAN_FRONTEND=noninteractive
tmp=$(mktemp -d)
# The root is virtiofs with cache=always (vm-run --root-upper), and
# virtiofsd holds an fd for every inode the guest keeps: past the host's
# 20000 (which root without CAP_SYS_RESOURCE cannot raise here) the guest
# gets EMFILE (ldconfig, dpkg).  Unused dentries and inodes dropped every
# 10 s keep it far below; a DKMS build reads some 10,000 headers.
( while sleep 10; do echo 2 > /proc/sys/vm/drop_caches; done ) &
dropper=$!
trap 'kill $dropper 2>/dev/null' EXIT

# --- before ---
check "before: the guest's root is writable" touch /var/lib/.packages-probe
rm -f /var/lib/.packages-probe
check "before: no overlay module is loaded" test ! -e /sys/module/overlay
check "before: modinfo overlay names the in-tree module" test "$(modinfo -n overlay)" = "$intree"
check "before: none of the packages is installed" \
	bash -c "! dpkg-query -W -f='\${Status}\n' $pkgs 2>/dev/null | grep -q installed"

# man-db's trigger re-indexes every manual page after each install and
# removal: minutes of reading /usr/share/man through virtiofs under TCG,
# for nothing this suite looks at (man -w finds the pages without it).
# Containers and CI images turn it off the same way.
echo 'man-db man-db/auto-update boolean false' | debconf-set-selections

# --- 1. install ---
# DKMS compiles against the kernel's headers, some 13,500 files read
# through virtiofs under TCG: 11 minutes.  The same files at the same
# paths from a tmpfs copy (the headers package's two folders and kbuild)
# make it a few: the build is DKMS's own, against the installed headers.
t0=$(date +%s)
for d in "/usr/src/linux-headers-${kver%-cloud-amd64}-common" "/usr/src/linux-headers-$kver" \
	"/usr/lib/linux-kbuild-${kver%%+*}+deb12"; do
	[ -d "$d" ] || continue
	mkdir -p "$tmp/hdr$d" && cp -a "$d/." "$tmp/hdr$d/" && mount --bind "$tmp/hdr$d" "$d"
done
echo "the kernel headers copied to a tmpfs in $(( $(date +%s) - t0 )) s" | log
t0=$(date +%s)
# (the guest has no network: every dependency must be installed already;
# not --no-download, with which apt 2.6 cannot install local .debs)
apt-get install -y --no-install-recommends \
	"$debs/libovllayers0_${ver}_"*.deb "$debs/libovllayers-dev_${ver}_"*.deb "$debs/ovl-layers_${ver}_"*.deb \
	"$debs/ovl-layers-criu-plugin_${ver}_"*.deb "$debs/overlay-layers-dkms_${ver}_"*.deb > "$tmp/install.log" 2>&1
rc=$?
t1=$(date +%s)
check "apt-get install ./*.deb (the five packages)" test "$rc" = 0
echo "apt-get install took $((t1 - t0)) s, DKMS's build of the module included" | log
grep -iE 'dkms|error|warning|overlay-layers|Building|Installing' "$tmp/install.log" | head -n 30 | log
[ "$rc" = 0 ] || { tail -n 30 "$tmp/install.log" | log; finish; }
for p in $pkgs; do
	check "$p $ver is installed" test "$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null)" = "install ok installed $ver"
done
dkms status > "$tmp/dkms" 2>&1
log < "$tmp/dkms"
check "dkms status: overlay-layers/$ver installed for $kver" grep -q "^overlay-layers/$ver, $kver, [a-z0-9_]*: installed" "$tmp/dkms"
dkmsko=$(modinfo -n overlay)
echo "modinfo -n overlay: $dkmsko" | log
check "modinfo overlay names the DKMS module in updates/dkms" bash -c "[[ '$dkmsko' == /lib/modules/$kver/updates/dkms/overlay.ko* ]]"
check "modprobe overlay" modprobe overlay
# neither module has a srcversion (no CONFIG_MODULE_SRCVERSION_ALL): the
# kernel marks a module from outside its tree (taint O), and only the
# series answers the xattr (below)
check "the loaded overlay is an out-of-tree module (taint O): the DKMS one" grep -q O /sys/module/overlay/taint

# an overlay over two tmpfs layers: the xattr, and /usr/bin/ovl-layers
m=$tmp/m
mkdir -p "$m"
mount -t tmpfs l "$m" && mkdir "$m/l1" "$m/l2" "$m/u" "$m/w" "$m/o"
mount -t overlay o -o "lowerdir=$m/l1:$m/l2,upperdir=$m/u,workdir=$m/w" "$m/o"
check "the DKMS module's overlay has trusted.overlay.layers" getfattr -n trusted.overlay.layers "$m/o"
check "ovl-layers (/usr/bin) resolves its four layers from the xattr" \
	jq -e --arg m "$m" '(.layers | map(.path)) == [$m+"/u", $m+"/w", $m+"/l1", $m+"/l2"] and all(.layers[]; .status == "ok")' \
	<(/usr/bin/ovl-layers -J "$m/o")
check "ovl-layers says every layer's source is the xattr" test "$(/usr/bin/ovl-layers -n -o SOURCE "$m/o" | sort -u)" = xattr
umount "$m/o" "$m"

# the -dev package: a program built with pkg-config, run on the installed library
check "pkg-config --modversion libovllayers is $ver" test "$(pkg-config --modversion libovllayers)" = "$ver"
# shellcheck disable=SC2046
check "a program builds with pkg-config against libovllayers-dev" \
	cc -o "$tmp/consumer" "$top/tests/abi/consumer.c" $(pkg-config --cflags --libs libovllayers)
check "and runs on /usr/lib's libovllayers.so.0" bash -c "'$tmp/consumer' && ldd '$tmp/consumer' | grep -q ' /lib/.*/libovllayers.so.0 \\| /usr/lib/.*/libovllayers.so.0 '"
check "man finds ovl-layers(1), ovl_layers_plugin(1), libovllayers(3), ovl_layers_read(3)" \
	bash -c "man -w ovl-layers && man -w ovl_layers_plugin && man -w 3 libovllayers && man -w 3 ovl_layers_read"
check "bash completion for ovl-layers is installed" test -f /usr/share/bash-completion/completions/ovl-layers

# --- 2. real criu, the plugin found in /usr/lib/criu ---
"$top/tests/criu/criu.sh" --installed
# its containers still hold their overlays: end them so the module can go
pkill -9 -x init 2>/dev/null
for _ in $(seq 50); do pgrep -x init > /dev/null || break; sleep 0.2; done
for t in $(awk '$3 == "overlay" { print $2 }' /proc/mounts | sort -r); do umount -l "$t"; done
sleep 1

# --- 3. remove, purge ---
rmmod overlay
check "rmmod overlay (nothing uses it any more)" test ! -e /sys/module/overlay
t0=$(date +%s)
# shellcheck disable=SC2086
apt-get remove -y $pkgs > "$tmp/remove.log" 2>&1
rc=$?
echo "apt-get remove took $(( $(date +%s) - t0 )) s" | log
check "apt-get remove (the five packages)" test "$rc" = 0
grep -iE 'dkms|error|overlay-layers' "$tmp/remove.log" | head -n 15 | log
check "dkms status is empty" test -z "$(dkms status 2>&1)"
check "modinfo overlay names the in-tree module again" test "$(modinfo -n overlay)" = "$intree"
check "no updates/dkms/overlay.ko is left" bash -c "! ls /lib/modules/$kver/updates/dkms/overlay.ko* 2>/dev/null"
# Without conffiles, remove already purged them: apt-get purge would not
# find them (they came from local .debs: "Unable to locate package").
# dpkg --purge does what is left, and is a no-op for what is gone.
# shellcheck disable=SC2086
dpkg --purge $pkgs > "$tmp/purge.log" 2>&1
rc=$?
check "dpkg --purge (the five packages)" test "$rc" = 0
[ "$rc" = 0 ] || tail -n 15 "$tmp/purge.log" | log
check "dpkg knows none of them any more (no rc state left)" \
	bash -c "! dpkg-query -W -f='\${db:Status-Abbrev}\n' $pkgs 2>/dev/null | grep -q ."
check "no /usr/src/overlay-layers-$ver, no /var/lib/dkms/overlay-layers" \
	test ! -e "/usr/src/overlay-layers-$ver" -a ! -e /var/lib/dkms/overlay-layers
check "no plugin in /usr/lib/criu, no /usr/bin/ovl-layers, no header" \
	test ! -e /usr/lib/criu/ovl_layers_plugin.so -a ! -e /usr/bin/ovl-layers -a ! -e /usr/include/ovllayers.h
check "modprobe overlay loads the in-tree module (no taint O, no layers xattr)" \
	bash -c "modprobe overlay && ! grep -q O /sys/module/overlay/taint && mount -t tmpfs l '$m' && mkdir '$m/l1' '$m/l2' '$m/o' && mount -t overlay o -o 'lowerdir=$m/l1:$m/l2' '$m/o' && ! getfattr -n trusted.overlay.layers '$m/o' 2>/dev/null; r=\$?; umount '$m/o' '$m' 2>/dev/null; exit \$r"
rmmod overlay 2>/dev/null
finish
