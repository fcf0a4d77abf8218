#!/usr/bin/env bash
# tests/packages/guest.sh PHASE DEBDIR: the packages installed as a user
# would, on the stock kernel's root (tests/packages/run runs the phases).
#
#   install  in a chroot of the guest's root on the host (the overlay of
#            the host's / that the VM boots from, vm-run --root-upper), as
#            an image is built: apt-get install ./*.deb; DKMS builds the
#            module for the image's 6.12 kernel (not the host's running
#            kernel: dkms's chroot case), at the host's speed
#   use      in the stock-kernel VM booted from that root, no overlay
#            module loaded: modinfo names the DKMS module, modprobe loads
#            it, the xattr is there, /usr/bin/ovl-layers reads it, the -dev
#            package builds a program, real criu finds the plugin itself
#            (criu.sh --installed)
#   remove   in the chroot again: apt-get remove (DKMS forgets the module,
#            the in-tree one is modprobe's again), dpkg --purge: nothing
#            of the packages is left
#   intree   in the VM again: modprobe loads the kernel's own module
# Appends "packages-PHASE P F" to $OVT_RESULTS (criu.sh adds its own).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/common/jqe.sh
. "$top/tests/common/jqe.sh"
phase=$1 debs=$2
ver=$(cat "$top/VERSION")
. "$top/kernel/stock.env"
kver=$STOCK_KVER
pkgs="libovllayers2 libovllayers-dev ovl-layers ovl-layers-criu-plugin overlay-layers-dkms"
intree=/lib/modules/$kver/kernel/fs/overlayfs/overlay.ko.xz
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "packages: ok   $*"; }
ko() { fail=$((fail + 1)); echo "packages: FAIL $*"; }
check() { local what=$1; shift; if "$@" > /dev/null 2>&1; then ok "$what"; else ko "$what"; fi; }
log() { sed 's/^/packages: log: /'; }
finish() {
	echo "packages: $phase: $pass passed, $fail failed"
	[ -n "${OVT_RESULTS:-}" ] && echo "packages-$phase $pass $fail" >> "$OVT_RESULTS"
	exit 0
}
export DEBIAN_FRONTEND=noninteractive
tmp=$(mktemp -d)
# modinfo of the stock kernel's module index (in the chroot the running
# kernel is the host's)
modpath() { modinfo -k "$kver" -n overlay; }
m=$tmp/m

case $phase in
install)
	check "before: the root is writable" touch /var/lib/.packages-probe
	rm -f /var/lib/.packages-probe
	check "before: the running kernel is not the image's (DKMS's chroot case)" test "$(uname -r)" != "$kver"
	check "before: modinfo -k $kver overlay names the in-tree module" test "$(modpath)" = "$intree"
	check "before: none of the packages is installed" \
		bash -c "! dpkg-query -W -f='\${Status}\n' $pkgs 2>/dev/null | grep -q installed"
	# man-db's trigger re-indexes every manual page after each install
	# and removal, for nothing this suite looks at (man -w finds the pages
	# without it); containers and CI images turn it off the same way
	echo 'man-db man-db/auto-update boolean false' | debconf-set-selections
	t0=$(date +%s)
	# (not --no-download, with which apt 2.6 cannot install local .debs;
	# every dependency is installed already, nothing is fetched)
	apt-get install -y --no-install-recommends \
		"$debs/libovllayers2_${ver}_"*.deb "$debs/libovllayers-dev_${ver}_"*.deb "$debs/ovl-layers_${ver}_"*.deb \
		"$debs/ovl-layers-criu-plugin_${ver}_"*.deb "$debs/overlay-layers-dkms_${ver}_"*.deb > "$tmp/install.log" 2>&1
	rc=$?
	check "apt-get install ./*.deb (the five packages)" test "$rc" = 0
	echo "apt-get install took $(( $(date +%s) - t0 )) s, DKMS's build of the module included" | log
	grep -iE 'dkms|error|warning|overlay-layers|Building|Installing|chroot' "$tmp/install.log" | head -n 30 | log
	[ "$rc" = 0 ] || { tail -n 30 "$tmp/install.log" | log; finish; }
	# (the image may have other kernels, e.g. Debian 12's 6.1 that the
	# oldkernel suite installs: BUILD_EXCLUSIVE leaves them alone; apt's
	# log ends its lines with a carriage return)
	check "DKMS built for $kver alone: the image's 6.12 kernel, not the running one, no other" \
		test "$(tr -d '\r' < "$tmp/install.log" | sed -n 's/^Building initial module for //p')" = "$kver"
	for p in $pkgs; do
		check "$p $ver is installed" test "$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null)" = "install ok installed $ver"
	done
	dkms status > "$tmp/dkms" 2>&1
	log < "$tmp/dkms"
	check "dkms status: overlay-layers/$ver installed for $kver" grep -q "^overlay-layers/$ver, $kver, [a-z0-9_]*: installed" "$tmp/dkms"
	dkmsko=$(modpath)
	echo "modinfo -k $kver -n overlay: $dkmsko" | log
	check "modinfo names the DKMS module in updates/dkms" bash -c "[[ '$dkmsko' == /lib/modules/$kver/updates/dkms/overlay.ko* ]]"
	check "the DKMS module is built for $kver (vermagic)" \
		test "$(modinfo -F vermagic "$dkmsko" | cut -d' ' -f1)" = "$kver"
	# the sources' own release, and dkms.conf's word on other sublevels
	# (dkms sources dkms.conf with $kernelver set, as here)
	conf=/usr/src/overlay-layers-$ver/dkms.conf
	check "the DKMS sources are Linux ${kver%%+*}'s (linux-version)" \
		test "$(cat /usr/src/overlay-layers-$ver/linux-version)" = "${kver%%+*}"
	check "no sublevel warning while building for $kver" \
		bash -c "! grep -q 'overlay-layers: warning' '$tmp/install.log'"
	other=$(kernelver=6.12.1+deb12-cloud-amd64 bash -c ". $conf" 2>&1 >/dev/null)
	echo "dkms.conf for 6.12.1: $other" | log
	check "dkms.conf warns for a 6.12 kernel of another sublevel, naming both" \
		grep -qF "kernel 6.12.1+deb12-cloud-amd64 is Linux 6.12.1, but this package carries Linux ${kver%%+*}'s overlayfs" <<<"$other"
	same=$(kernelver=$kver bash -c ". $conf" 2>&1 >/dev/null)
	check "dkms.conf says nothing for $kver" test -z "$same"
	;;
use)
	# The root is virtiofs with cache=always (vm-run --root-upper), and
	# virtiofsd holds an fd for every inode the guest keeps: past the
	# host's 20000 (which root without CAP_SYS_RESOURCE cannot raise here)
	# the guest gets EMFILE.  Unused dentries and inodes dropped every 10 s
	# keep it far below.
	( while sleep 10; do echo 2 > /proc/sys/vm/drop_caches; done ) &
	dropper=$!
	trap 'kill $dropper 2>/dev/null' EXIT
	check "no overlay module is loaded at boot" test ! -e /sys/module/overlay
	check "modinfo overlay names the DKMS module in updates/dkms" bash -c "[[ '$(modinfo -n overlay)' == /lib/modules/$kver/updates/dkms/overlay.ko* ]]"
	check "modprobe overlay" modprobe overlay
	# neither module has a srcversion (no CONFIG_MODULE_SRCVERSION_ALL):
	# the kernel marks a module from outside its tree (taint O), and only
	# the series answers the xattr (below)
	check "the loaded overlay is an out-of-tree module (taint O): the DKMS one" grep -q O /sys/module/overlay/taint

	# an overlay over two tmpfs layers: the xattr, and /usr/bin/ovl-layers
	mkdir -p "$m"
	mount -t tmpfs l "$m" && mkdir "$m/l1" "$m/l2" "$m/u" "$m/w" "$m/o"
	mount -t overlay o -o "lowerdir=$m/l1:$m/l2,upperdir=$m/u,workdir=$m/w" "$m/o"
	check "the DKMS module's overlay has trusted.overlay.layers" getfattr -n trusted.overlay.layers "$m/o"
	check "ovl-layers (/usr/bin) resolves its four layers from the xattr" \
		jqe --arg m "$m" '(.layers | map(.path)) == [$m+"/u", $m+"/w", $m+"/l1", $m+"/l2"] and all(.layers[]; .status == "ok")' \
		<(/usr/bin/ovl-layers -J "$m/o")
	check "ovl-layers says every layer's source is the xattr" test "$(/usr/bin/ovl-layers -n -o SOURCE "$m/o" | sort -u)" = xattr
	umount "$m/o" "$m"

	# the -dev package: a program built with pkg-config, run on the installed library
	check "pkg-config --modversion libovllayers is $ver" test "$(pkg-config --modversion libovllayers)" = "$ver"
	# shellcheck disable=SC2046
	check "a program builds with pkg-config against libovllayers-dev" \
		cc -o "$tmp/consumer" "$top/tests/abi/consumer.c" $(pkg-config --cflags --libs libovllayers)
	check "and runs on /usr/lib's libovllayers.so.2" bash -c "'$tmp/consumer' && ldd '$tmp/consumer' | grep -q ' /lib/.*/libovllayers.so.2 \\| /usr/lib/.*/libovllayers.so.2 '"
	check "man finds ovl-layers(1), ovl_layers_plugin(1), libovllayers(3), ovl_layers_read(3)" \
		bash -c "man -w ovl-layers && man -w ovl_layers_plugin && man -w 3 libovllayers && man -w 3 ovl_layers_read"
	check "bash completion for ovl-layers is installed" test -f /usr/share/bash-completion/completions/ovl-layers

	# real criu, the plugin found in /usr/lib/criu
	"$top/tests/criu/criu.sh" --installed
	;;
remove)
	t0=$(date +%s)
	# shellcheck disable=SC2086
	apt-get remove -y $pkgs > "$tmp/remove.log" 2>&1
	rc=$?
	echo "apt-get remove took $(( $(date +%s) - t0 )) s" | log
	check "apt-get remove (the five packages)" test "$rc" = 0
	grep -iE 'dkms|error|overlay-layers' "$tmp/remove.log" | head -n 15 | log
	check "dkms status is empty" test -z "$(dkms status 2>&1)"
	check "modinfo -k $kver overlay names the in-tree module again" test "$(modpath)" = "$intree"
	check "no updates/dkms/overlay.ko is left" bash -c "! ls /lib/modules/$kver/updates/dkms/overlay.ko* 2>/dev/null"
	# Without conffiles, remove already purged them: apt-get purge would
	# not find them (they came from local .debs: "Unable to locate
	# package").  dpkg --purge does what is left, a no-op for what is gone.
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
	;;
intree)
	check "modinfo overlay names the in-tree module" test "$(modinfo -n overlay)" = "$intree"
	check "modprobe overlay loads the in-tree module (no taint O, no layers xattr)" \
		bash -c "modprobe overlay && ! grep -q O /sys/module/overlay/taint && mkdir -p '$m' && mount -t tmpfs l '$m' && mkdir '$m/l1' '$m/l2' '$m/o' && mount -t overlay o -o 'lowerdir=$m/l1:$m/l2' '$m/o' && ! getfattr -n trusted.overlay.layers '$m/o' 2>/dev/null; r=\$?; umount '$m/o' '$m' 2>/dev/null; exit \$r"
	;;
*)
	ko "unknown phase $phase"
	;;
esac
finish
