#!/bin/sh
# Renders one man page: its scdoc source with the command sections printed
# by the command table ("agesops help --scdoc CMD") in place of the @HELP
# CMD...@ lines and the command list in place of @LIST@, through scdoc.
#   render.sh SCDOC AGESOPS SOURCE.scd OUTPUT
set -eu
scdoc=$1 ags=$2 src=$3 out=$4
tmp=$out.tmp
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line; do
	case $line in
	@LIST@) "$ags" help --scdoc ;;
	@HELP\ *@)
		cmds=${line#@HELP }
		for c in ${cmds%@}; do "$ags" help --scdoc "$c"; done ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$src" >"$tmp"
"$scdoc" <"$tmp" >"$out"
