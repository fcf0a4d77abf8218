# shellcheck shell=bash
# jqe: jq -e, where no input at all is a failure too.  Debian 12's jq 1.6
# exits 0 with -e on empty input, so a check like `jq -e '.x == 1' FILE`
# passed on a file that was never written.  Sourced by the shell suites;
# exported for their `bash -c` checks.
#
#   jqe [jq options] FILTER [FILE]     (stdin without FILE)
jqe() {
	local in last=${!#}
	if [ $# -gt 1 ] && [ -e "$last" ] && [ ! -d "$last" ]; then
		in=$(cat -- "$last") || return 2
		set -- "${@:1:$#-1}"
	else
		in=$(cat) || return 2
	fi
	[ -n "${in//[[:space:]]/}" ] || { echo "jqe: no input" >&2; return 4; }
	jq -e "$@" <<< "$in"
}
export -f jqe
