#!/usr/bin/env bash
# `agesops secret generic` against the LIVE `kubectl create secret generic
# --dry-run=client -o yaml` of this machine, byte for byte, over many inputs;
# `secret age-key` against the runbook's kubectl command.
set -u
AGS=${AGS_BIN:?}
command -v kubectl >/dev/null || { echo "kubectl missing"; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cd "$t"
export KUBECONFIG=$t/none  # no context namespace: kubectl prints none either
kver=$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1)
layout=()
[ "${kver:-32}" -ge 34 ] && layout=(--no-creation-timestamp)
pass=0 fail=0
same() { # args...
	local want got
	want=$(kubectl create secret generic "$@" --dry-run=client -o yaml 2>/dev/null; echo "rc=$?")
	got=$("$AGS" secret generic "$@" "${layout[@]}" 2>/dev/null; echo "rc=$?")
	if [ "$want" = "$got" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $*"; diff <(echo "$want") <(echo "$got") | head -20; fi
}
# both must fail (messages differ)
both_fail() {
	kubectl create secret generic "$@" --dry-run=client -o yaml >/dev/null 2>&1 && { echo "kubectl accepted: $*"; fail=$((fail + 1)); return; }
	if "$AGS" secret generic "$@" >/dev/null 2>err; then echo "FAIL (accepted): $*"; fail=$((fail + 1));
	elif [ "$(wc -l <err)" != 1 ]; then echo "FAIL (not one line): $*"; cat err; fail=$((fail + 1));
	else pass=$((pass + 1)); fi
}

printf 'hello\n' > f.txt
head -c 4096 /dev/urandom > bin.dat
printf '' > empty
printf 'no newline' > nonl
printf 'a\n\n\n' > blanks
mkdir dir; echo one > dir/a.txt; echo two > dir/b; head -c 100 /dev/urandom > dir/c.bin; mkdir dir/sub
printf '\xef\xbb\xbfA=1\n# comment\n  B= x\r\nC=a=b\nD=\n\t\nE\nF= spaced  \nG=\xc3\xa9t\xc3\xa9\n#H=no\nI=\n' > e.env
printf 'X=1\nY=2' > e2.env

same s1 --from-literal=a=b
same s1 -n ns --from-literal=a.b=x=y --from-literal=e= --from-file=f.txt --from-file=k=bin.dat
same s1 --from-literal=a=1 --type=kubernetes.io/basic-auth
same s1 --from-literal=a100=1 --from-literal=a12=2 --from-literal=a01=3 --from-literal=a1=4 --from-literal=A=1 \
	--from-literal=_x=1 --from-literal=-x=2 --from-literal=.y=3 --from-literal=Z9=1 --from-literal=z10=2
# keys that need quoting, one at a time: yaml.v2's key order is not transitive
# across digit/non-digit mixes (kubectl's own output then varies run to run)
for k in y Y yes NO true False on OFF 1 0x10 0o17 0b101 08 1e3 1E3 .5 .inf -1 +1 1_000 2001-12-14 \
	2001-12-14t21:59:43.10-05:00 1.5 12:30 null Null '~' _ - . .. .x; do
	same s1 --from-literal="$k=1" --from-literal=zz=2
done
same s1 --from-literal=a=aaa --from-literal=b=1234 --from-literal=c=1E10 --from-literal=d=+123 --from-literal=e=0000
same s1 --from-literal="$(printf 'k%.0s' {1..129})=v" --from-literal="$(printf 'j%.0s' {1..128})=w" --from-literal=x=y
same s1
same s1 --from-env-file=e.env
same s1 --from-env-file=e.env --from-env-file=e2.env
E=from-environment same s1 --from-env-file=e.env
same s1 --from-file=dir
same s1 --from-file=f.txt,bin.dat --from-file=empty --from-file=nonl --from-file=blanks
same s1 --from-file=age.agekey=/dev/stdin </dev/null
same my-secret -n flux-system --from-literal='password=p@ss w0rd: #x' --from-literal="quote='\"" --type=Opaque
same s1 --from-literal=unicode=é日本 --from-literal=tab="$(printf 'a\tb')" --from-literal=nl="$(printf 'a\nb')"
for i in 1 2 3 4 5; do
	head -c $((i * 37)) /dev/urandom > r$i
	same rnd$i -n n$i --from-file=r$i --from-literal=k$i=v$i
done
both_fail s1 --from-literal=bad/key=1
both_fail s1 --from-literal=noequals
both_fail s1 --from-literal=a=1 --from-literal=a=2
both_fail s1 --from-literal=..x=1
both_fail s1 --from-file=missing-file
both_fail s1 --from-env-file=e.env --from-literal=a=1
printf '1BAD=x\n' > bad.env; both_fail s1 --from-env-file=bad.env
printf 'A=\xff\n' > badutf.env; both_fail s1 --from-env-file=badutf.env

# secret age-key == the runbook's install command, rendered
printf '# created: 2026-01-01T00:00:00Z\n# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\nAGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n' > age.agekey
want=$(kubectl create secret generic sops-age --namespace=flux-system --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml < age.agekey)
got=$("$AGS" secret age-key "${layout[@]}" < age.agekey 2>/dev/null)
if [ "$want" = "$got" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: age-key"; diff <(echo "$want") <(echo "$got"); fi
got=$("$AGS" secret age-key "${layout[@]}" age.agekey 2>/dev/null)
[ "$want" = "$got" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: age-key file"; }
# not an age key: refused
if echo "not a key" | "$AGS" secret age-key >/dev/null 2>&1; then fail=$((fail + 1)); echo "FAIL: accepted a non-key"; else pass=$((pass + 1)); fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
