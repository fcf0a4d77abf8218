# bench/container.sh, sourced in the stock VM's guest by bench/plugin-dump
# and bench/series-dump: a work tmpfs $W, an ext4 loop image with a fixed
# uuid ($loop, attached: criu mounts the same device again), and
# container NAME N, which starts a container as tests/criu/criu.sh builds
# one (new mount, pid, uts and ipc namespaces, pivot_root into a tmpfs with
# busybox; a tmpfs /l1, the ext4 image at /l2, a tmpfs /up) with N overlays
# /o1../oN (lowerdir=/l1:/l2, upper and work in /up), files of the first
# and the last kept open, and prints its init's pid.  Needs die().
ip link set lo up
mount --make-rprivate /
W=$(mktemp -d /tmp/pd.XXXXXX)
mount -t tmpfs work "$W"
truncate -s 32M "$W/l2.img"
mkfs.ext4 -q -U 0ddba11c-c0de-4000-8000-00000000c2c2 "$W/l2.img"
mkdir "$W/mnt"
mount -o loop "$W/l2.img" "$W/mnt" && echo two > "$W/mnt/b" && umount "$W/mnt"
loop=$(losetup -f --show "$W/l2.img")

# container NAME N: prints its init's pid
container() {
	local R=$W/$1 n=$2 i mounts=
	mkdir -p "$R"
	mount -t tmpfs "root-$1" "$R"
	mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/tmp" "$R/l1" "$R/l2" "$R/up" "$R/old"
	for i in $(seq "$n"); do
		mkdir "$R/o$i"
		mounts="${mounts}mkdir /up/u$i /up/w$i; mount -t overlay ovl$i -o lowerdir=/l1:/l2,upperdir=/up/u$i,workdir=/up/w$i /o$i
"
	done
	cp /bin/busybox "$R/bin/"
	for c in sh sleep cat mount umount mkdir echo printf setsid; do ln -s busybox "$R/bin/$c"; done
	cp -a "$loop" "$R/dev/"
	cat > "$R/bin/init" <<-EOF
	#!/bin/sh
	mount -t proc proc /proc
	mount -t tmpfs l1 /l1
	mount -t ext4 $loop /l2
	mount -t tmpfs up /up
	printf 'one\nsecond\n' > /l1/a
	$mounts
	echo start > /o1/c
	exec 0</bin/init 1>>/tmp/out 2>&1
	exec 3</o1/a
	read -r first <&3
	exec 4>>/o$n/c
	exec 5</o1/b
	touch /tmp/ready
	while :; do echo tick >&4; sleep 1; done
	EOF
	chmod +x "$R/bin/init"
	unshare -m -p -u -i -f --propagation private sh -c \
		"cd $R && pivot_root . old && umount -l /old && exec setsid /bin/init" \
		< /dev/null > /dev/null 2>&1 &
	local parent=$! pid=
	for i in $(seq 100); do
		pid=$(pgrep -P "$parent" -x init) && [ -e "/proc/$pid/root/tmp/ready" ] && break
		sleep 0.2
	done
	[ -e "/proc/$pid/root/tmp/ready" ] || die "container $1 did not start"
	echo "$pid"
}

