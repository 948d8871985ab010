# agesops commands beyond encrypt/decrypt: filestatus, set, unset, edit,
# updatekeys, rotate, groups, exec-env, exec-file, key groups (Shamir) and
# whole-repository runs.  See sops-more-lib.sh for the helpers.

### filestatus: encrypted fixture, plaintext, missing file
run: . "$SRC/tests/cli/sops-more-lib.sh"
run: "$AGS" filestatus "$FLUX/internal__controller__testdata__sops__algorithms__age.yaml"
run: echo 'a: 1' > p.yaml; "$AGS" filestatus p.yaml
run: "$AGS" filestatus "$FLUX/internal__controller__testdata__sops__component__env.env"
stdout: {"encrypted":true}
stdout: {"encrypted":false}
stdout: {"encrypted":true}

### filestatus: missing file fails
run: . "$SRC/tests/cli/sops-more-lib.sh"; "$AGS" filestatus nope.yaml
exit: 1
stderr~: nope\.yaml

### set: nested value; the other values keep their exact ciphertext
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: before=$(enc_line user s.yaml)
run: "$AGS" set s.yaml '["stringData"]["password"]' '"s3cret"'
run: [ "$before" = "$(enc_line user s.yaml)" ] || echo "user ciphertext changed"
run: "$AGS" decrypt --extract '["stringData"]["password"]' s.yaml; echo
run: "$AGS" decrypt --extract '["stringData"]["nested"]["list"][1]' s.yaml; echo
stdout: s3cret
stdout: two

### set: creates intermediate maps and lists; JSON objects; --value-stdin; list append
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" set s.yaml '["stringData"]["new"]["deep"][0]' '{"x": true, "n": [1, 2]}'
run: printf '"from stdin"' | "$AGS" set --value-stdin s.yaml '["stringData"]["nested"]["list"][9]'
run: "$AGS" decrypt s.yaml | sed -n '/^stringData:/,$p'
stdout: stringData:
stdout:     user: admin
stdout:     password: hunter2
stdout:     nested:
stdout:         list:
stdout:             - one
stdout:             - two
stdout:             - from stdin
stdout:     new:
stdout:         deep:
stdout:             - x: true
stdout:               "n":
stdout:                 - 1
stdout:                 - 2

### set --idempotent: same value leaves the file byte-identical
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: "$AGS" set --idempotent s.yaml '["stringData"]["user"]' '"admin"'
run: cmp s.yaml before.yaml && echo same
stdout: same

### set: bad index (exit 7), bad JSON (exit 7), file untouched
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: "$AGS" set s.yaml 'stringData.user' '"x"'; echo "rc=$?"
run: "$AGS" set s.yaml '["stringData"]["user"]' 'not json'; echo "rc=$?"
run: cmp s.yaml before.yaml && echo same
stdout: rc=7
stdout: rc=7
stdout: same

### set: a file that is not encrypted fails
run: . "$SRC/tests/cli/sops-more-lib.sh"; echo 'a: 1' > p.yaml
run: "$AGS" set p.yaml '["a"]' '2'
exit: 1
stderr~: p\.yaml

### unset: nested key and list element; missing key fails; --idempotent does not
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" unset s.yaml '["stringData"]["nested"]["list"][0]'
run: "$AGS" unset s.yaml '["stringData"]["user"]'
run: cp s.yaml before.yaml
run: "$AGS" unset s.yaml '["stringData"]["user"]'; echo "rc=$?"
run: "$AGS" unset --idempotent s.yaml '["stringData"]["user"]'; echo "rc=$?"
run: cmp s.yaml before.yaml && echo same
run: "$AGS" decrypt s.yaml | sed -n '/^stringData:/,$p'
stdout: rc=1
stdout: rc=0
stdout: same
stdout: stringData:
stdout:     password: hunter2
stdout:     nested:
stdout:         list:
stdout:             - two

### edit: unchanged -> exit 200 and identical bytes
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: EDITOR=true "$AGS" edit s.yaml; echo "rc=$?"
run: cmp s.yaml before.yaml && echo same
stdout: rc=200
stdout: same

### edit: one value changed -> only that value, the MAC (and lastmodified) change
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: EDITOR="sed -i s/hunter2/correcthorse/" "$AGS" edit s.yaml
run: diff before.yaml s.yaml | grep '^>' | sed -E 's/^> +//; s/:.*//' | grep -v '^lastmodified$' | sort
run: "$AGS" decrypt --extract '["stringData"]["password"]' s.yaml; echo
stdout: mac
stdout: password
stdout: correcthorse

### edit: $SOPS_EDITOR wins over $EDITOR and is split like a shell command line
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: SOPS_EDITOR="sed -i 's/hunter2/two words/'" EDITOR=false "$AGS" edit s.yaml
run: "$AGS" decrypt --extract '["stringData"]["password"]' s.yaml; echo
stdout: two words

### edit: invalid YAML without a terminal fails and writes nothing
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: printf '#!/bin/sh\nprintf "a: [\\n" > "$1"\n' > ed.sh; chmod +x ed.sh
run: EDITOR=$PWD/ed.sh "$AGS" edit s.yaml; echo "rc=$?"
run: cmp s.yaml before.yaml && echo same
stdout: rc=2
stdout: same
stderr~: invalid syntax

### edit: editor failure leaves the file untouched
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: EDITOR="sh -c 'echo x: y >> \"\$0\"; exit 3'" "$AGS" edit s.yaml; echo "rc=$?"
run: cmp s.yaml before.yaml && echo same
stdout: rc=201
stdout: same

### edit: private 0700 dir and 0600 file, both gone afterwards
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: printf '#!/bin/sh\necho "$1" > seen\nstat -c %%a "$1" "$(dirname "$1")" >> seen\n' > ed.sh; chmod +x ed.sh
run: EDITOR=$PWD/ed.sh "$AGS" edit s.yaml; echo "rc=$?"
run: f=$(head -1 seen); case $f in "$TMPDIR"/*/s.yaml) echo inside-tmpdir;; esac
run: tail -2 seen; [ -e "$f" ] || [ -e "$(dirname "$f")" ] || echo removed; ls -A "$TMPDIR" | wc -l
stdout: rc=200
stdout: inside-tmpdir
stdout: 600
stdout: 700
stdout: removed
stdout: 0

### edit: a new file starts from a template, encrypted for the .sops.yaml rule
run: . "$SRC/tests/cli/sops-more-lib.sh"
run: printf 'creation_rules:\n  - path_regex: \\.yaml$\n    age: %s\n' "$K1" > .sops.yaml
run: EDITOR="sed -i s/example_value/mine/" "$AGS" edit new.yaml
run: "$AGS" filestatus new.yaml; "$AGS" decrypt --extract '["example_key"]' new.yaml; echo
stdout: {"encrypted":true}
stdout: mine

### updatekeys: add and remove a recipient; data key, values and MAC unchanged
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: printf 'creation_rules:\n  - path_regex: \\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$K2" > .sops.yaml
run: grep -E 'ENC\[' s.yaml > values.before
run: "$AGS" updatekeys -y s.yaml
run: grep -E 'ENC\[' s.yaml | cmp - values.before && echo values-same
run: dec_with k2 --extract '["stringData"]["user"]' s.yaml; echo
run: dec_with k1 s.yaml >/dev/null 2>&1; echo "k1 rc=$?"
run: "$AGS" updatekeys -y s.yaml 2>&1 | grep -c 'up to date'
stdout: values-same
stdout: admin
stdout: k1 rc=128
stdout: 1

### updatekeys keeps the entry of a recipient that stays (same data key: only the new one is wrapped); rotate renews it
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: enc_of() { python3 -c 'import sys,yaml; m=yaml.safe_load(open(sys.argv[1]))["sops"]; print(next(a["enc"] for a in m["age"] if a["recipient"]==sys.argv[2]))' "$@"; }
run: enc_of s.yaml "$K1" >k1.before
run: printf 'creation_rules:\n  - path_regex: \\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s,%s\n' "$K1" "$K2" > .sops.yaml
run: "$AGS" updatekeys -y s.yaml 2>/dev/null; enc_of s.yaml "$K1" | cmp -s - k1.before && echo k1-entry-kept
run: dec_with k2 --extract '["stringData"]["user"]' s.yaml; echo; dec_with k1 --extract '["stringData"]["user"]' s.yaml; echo
run: "$AGS" rotate -i s.yaml; enc_of s.yaml "$K1" | cmp -s - k1.before || echo k1-entry-renewed-by-rotate
run: dec_with k2 --extract '["stringData"]["user"]' s.yaml; echo
stdout: k1-entry-kept
stdout: admin
stdout: admin
stdout: k1-entry-renewed-by-rotate
stdout: admin

### updatekeys: no .sops.yaml -> exit 1 (Go never returns 61)
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" updatekeys -y s.yaml
exit: 1

### rotate: --add-age then --rm-age; new data key changes every ciphertext
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: "$AGS" rotate -i --add-age "$K2" s.yaml
run: enc_line user before.yaml > a; enc_line user s.yaml > b; cmp -s a b || echo value-changed
run: dec_with k2 --extract '["stringData"]["user"]' s.yaml; echo
run: "$AGS" rotate -i --rm-age "$K1" s.yaml
run: dec_with k1 s.yaml >/dev/null 2>&1; echo "k1 rc=$?"
run: dec_with k2 --extract '["stringData"]["password"]' s.yaml; echo
stdout: value-changed
stdout: admin
stdout: k1 rc=128
stdout: hunter2

### rotate: without -i prints to stdout and leaves the file alone
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: "$AGS" rotate s.yaml > out.yaml
run: cmp s.yaml before.yaml && echo same
run: "$AGS" decrypt --extract '["stringData"]["user"]' out.yaml; echo
stdout: same
stdout: admin

### Shamir: 2-of-3 key groups decrypt with any two keys, not with one
run: . "$SRC/tests/cli/sops-more-lib.sh"
run: printf 'creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age: [%s]\n      - age: [%s]\n      - age: [%s]\n' "$K1" "$K2" "$K3" > .sops.yaml
run: printf 'password: hunter2\n' > g.yaml; "$AGS" encrypt -i g.yaml
run: grep -c 'recipient:' g.yaml; grep 'shamir_threshold' g.yaml | tr -d ' '
run: for ks in "k1 k2" "k2 k3" "k1 k3"; do dec_with "$ks" --extract '["password"]' g.yaml; echo; done
run: for k in k1 k2 k3; do dec_with $k g.yaml >/dev/null 2>&1; echo "$k rc=$?"; done
stdout: 3
stdout: shamir_threshold:2
stdout: hunter2
stdout: hunter2
stdout: hunter2
stdout: k1 rc=128
stdout: k2 rc=128
stdout: k3 rc=128

### groups: add a group (2 groups, threshold 2), then delete it again
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" groups add --file s.yaml -i --age "$K2"
run: grep -c 'recipient:' s.yaml
run: dec_with "k1 k2" --extract '["stringData"]["user"]' s.yaml; echo
run: dec_with k1 s.yaml >/dev/null 2>&1; echo "k1 alone rc=$?"
run: grep -h '^AGE-SECRET-KEY-' k1.txt k2.txt > both.txt
run: SOPS_AGE_KEY_FILE=$PWD/both.txt "$AGS" groups delete --file s.yaml -i 1
run: dec_with k1 --extract '["stringData"]["user"]' s.yaml; echo
stdout: 2
stdout: admin
stdout: k1 alone rc=128
stdout: admin

### exec-env: values in the environment, --pristine, no files left behind
run: . "$SRC/tests/cli/sops-more-lib.sh"
run: printf 'DB_PASSWORD=hunter2\nPORT=5432\n' > app.env; "$AGS" encrypt --age "$K1" -i app.env
run: FOO=bar "$AGS" exec-env app.env 'echo "$DB_PASSWORD:$PORT:$FOO"'
run: FOO=bar "$AGS" exec-env --pristine app.env 'echo "$DB_PASSWORD:${FOO:-unset}"'
run: "$AGS" exec-env app.env 'exit 7'; echo "rc=$?"
run: ls -A "$TMPDIR" | wc -l
stdout: hunter2:5432:bar
stdout: hunter2:unset
stdout: rc=7
stdout: 0

### exec-env: nested values are refused
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" exec-env s.yaml 'echo never'
exit: 1
stderr~: nested
stdout!: never

### exec-file: FIFO by default, --no-fifo 0600 file, {} placeholder, nothing left behind
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" exec-file s.yaml 'test -p {} && grep -c hunter2 {}'
run: "$AGS" exec-file --no-fifo s.yaml 'stat -c %a {}; grep -c hunter2 {}'
run: "$AGS" exec-file --no-fifo --filename x.yaml s.yaml 'basename {}'
run: "$AGS" exec-file s.yaml 'true'; echo "unread rc=$?"
run: ls -A "$TMPDIR" | wc -l
stdout: 1
stdout: 600
stdout: 1
stdout: x.yaml
stdout: unread rc=0
stdout: 0

### exec-file: a filename that is not local is refused
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" exec-file --filename ../x s.yaml 'cat {}'
exit: 1
stderr~: not a local path

### repository: updatekeys -r and decrypt --check -r with a summary; a tampered file fails
run: . "$SRC/tests/cli/sops-more-lib.sh"; mkdir -p repo/a repo/b
run: printf 'creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$K1" > .sops.yaml
run: for i in 1 2 3 4 5; do secret repo/a/s$i.enc.yaml; done; secret repo/b/t.enc.yaml; echo 'x: 1' > repo/b/plain.yaml
run: printf 'creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s,%s\n' "$K1" "$K2" > .sops.yaml
run: "$AGS" updatekeys -y -r repo 2>&1 | tail -1
run: dec_with k2 --extract '["stringData"]["user"]' repo/b/t.enc.yaml; echo
run: "$AGS" decrypt --check -r repo 2>&1 | tail -1
run: perl -pi -e 's/^(    user: ENC\[AES256_GCM,data:)(.)/$1.($2 eq "A" ? "B" : "A")/e' repo/a/s3.enc.yaml
run: "$AGS" decrypt --check -r repo 2>err; case $? in 25|51) echo "tamper detected";; esac; grep -c 's3.enc.yaml' err; tail -1 err
stdout: updatekeys: 6 files, 6 done, 0 unchanged, 0 failed
stdout: admin
stdout: decrypt --check: 6 files, 6 done, 0 unchanged, 0 failed
stdout: tamper detected
stdout: 1
stdout: decrypt --check: 6 files, 5 done, 0 unchanged, 1 failed

### repository: rotate several files in place
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret a.yaml; secret b.yaml
run: "$AGS" rotate --add-age "$K2" a.yaml b.yaml 2>&1 | tail -1
run: dec_with k2 --extract '["stringData"]["user"]' b.yaml; echo
stdout: rotate: 2 files, 2 done, 0 unchanged, 0 failed
stdout: admin

### edit: killed by SIGTERM while the editor runs -> temp file removed, file untouched
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: printf '#!/bin/sh\necho "$1" > seen\nkill -TERM $PPID\nsleep 1\n' > ed.sh; chmod +x ed.sh
run: EDITOR=$PWD/ed.sh "$AGS" edit s.yaml; echo "rc=$?"
run: f=$(cat seen); [ -e "$f" ] || echo removed; ls -A "$TMPDIR" | wc -l; cmp s.yaml before.yaml && echo same
stdout: rc=143
stdout: removed
stdout: 0
stdout: same

### decrypt --check: a single file, and a wrong key gives exit 128
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: "$AGS" decrypt --check s.yaml; echo "rc=$?"
run: SOPS_AGE_KEY_FILE=$PWD/k2.txt "$AGS" decrypt --check s.yaml 2>/dev/null; echo "rc=$?"
stdout: rc=0
stdout: rc=128

### edit: invalid YAML on a terminal offers to re-open the editor (pty via script(1))
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: printf '#!/bin/sh\nif [ -e count ]; then printf "stringData:\\n    password: fixed\\n" > "$1"; else touch count; printf "a: [\\n" > "$1"; fi\n' > ed.sh; chmod +x ed.sh
run: printf '\n' | script -qec "EDITOR=$PWD/ed.sh $AGS edit s.yaml" /dev/null > out.txt; echo "rc=$?"
run: grep -c 'Press Enter to return to the editor' out.txt
run: "$AGS" decrypt --extract '["stringData"]["password"]' s.yaml; echo
stdout: rc=0
stdout: 1
stdout: fixed

### updatekeys: a broken .sops.yaml names the file and the place (exit 1; Go never returns 5)
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: printf 'creation_rules:\n  - shamir_threshold: two\n' > .sops.yaml
run: "$AGS" updatekeys -y s.yaml
exit: 1
stderr~: \.sops\.yaml: creation_rules\[0\]\.shamir_threshold

### updatekeys: a rule with only kms keys is a clear error, file untouched
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: printf 'creation_rules:\n  - kms: arn:aws:kms:us-east-1:0:key/x\n' > .sops.yaml
run: "$AGS" updatekeys -y s.yaml; echo "rc=$?"; cmp s.yaml before.yaml && echo same
stdout: rc=1
stdout: same
stderr~: only keys of type kms

### updatekeys: a pgp key gpg does not know fails (exit 1), file untouched
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml; mkdir -m 700 g
run: printf 'creation_rules:\n  - pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n' > .sops.yaml
run: GNUPGHOME=$PWD/g "$AGS" updatekeys -y s.yaml; echo "rc=$?"; cmp s.yaml before.yaml && echo same
stdout: rc=1
stdout: same
stderr~: could not generate data key.*FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4

### updatekeys -r: a file that fails does not stop the others; plaintext files are skipped
run: . "$SRC/tests/cli/sops-more-lib.sh"; mkdir r; secret r/a.enc.yaml; secret r/b.enc.yaml; echo 'x: 1' > r/c.enc.yaml
run: secret r/d.enc.yaml; grep -v '^    mac:' r/d.enc.yaml > x && mv x r/d.enc.yaml; sed -i 's/^    lastmodified: .*/    lastmodified: "not a time"/' r/d.enc.yaml
run: printf 'creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    age: %s,%s\n' "$K1" "$K2" > .sops.yaml
run: "$AGS" updatekeys -y -r r 2>err; echo "rc=$?"; tail -1 err; grep -c 'd.enc.yaml' err
run: dec_with k2 --extract '["stringData"]["user"]' r/b.enc.yaml; echo
run: "$AGS" updatekeys -y r/c.enc.yaml 2>/dev/null; echo "explicit plaintext rc=$?"
stdout: rc=2
stdout: updatekeys: 4 files, 2 done, 0 unchanged, 1 not encrypted (skipped), 1 failed
stdout: 1
stdout: admin
stdout: explicit plaintext rc=1

### updatekeys: --config and $SOPS_CONFIG win over the discovered .sops.yaml
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret
run: printf 'creation_rules:\n  - age: %s\n' "$K1" > .sops.yaml; printf 'creation_rules:\n  - age: %s\n' "$K2" > other.yaml
run: "$AGS" updatekeys -y --config other.yaml s.yaml 2>/dev/null; dec_with k2 --extract '["stringData"]["user"]' s.yaml; echo
run: SOPS_CONFIG=.sops.yaml SOPS_AGE_KEY_FILE=$PWD/k2.txt "$AGS" updatekeys -y s.yaml 2>/dev/null; dec_with k1 --extract '["stringData"]["user"]' s.yaml; echo
run: mkdir -p sub/dir; cd sub/dir && SOPS_AGE_KEY_FILE=$HOME/k1.txt "$AGS" updatekeys -y ../../s.yaml 2>&1 | grep -c 'up to date'
stdout: admin
stdout: admin
stdout: 1

### exec-env: non-string values as sops' ValToString writes them
run: . "$SRC/tests/cli/sops-more-lib.sh"
run: printf 'a: 1.5\nb: 5.0\nc: 1234567.0\nd: 0.00001\ng: true\nh: 2024-01-02T03:04:05.123Z\ni: 42\n' > f.yaml
run: "$AGS" encrypt --age "$K1" -i f.yaml; "$AGS" exec-env f.yaml 'echo "$a|$b|$c|$d|$g|$h|$i"'
stdout: 1.5|5.0|1.234567E+06|1E-05|true|2024-01-02T03:04:05Z|42

### updatekeys of several files without -y asks per file, as Go (y for the first, n for the second)
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret a.yaml; secret b.yaml; cp b.yaml b.before
run: printf 'creation_rules:\n  - age: %s\n' "$K2" > .sops.yaml
run: printf 'y\nn\n' | "$AGS" updatekeys a.yaml b.yaml 2>err; echo "rc=$?"; grep -c 'Is this okay' err
run: grep -c "$K2" a.yaml; cmp -s b.yaml b.before && echo "b unchanged"
stdout: rc=0
stdout: 2
stdout: 1
stdout: b unchanged

### key-service flags and variables are refused by name, never ignored
run: . "$SRC/tests/cli/sops-more-lib.sh"; printf 'a: b\n' >p.yaml
run: "$AGS" encrypt -k arn:aws:kms:x --age "$K1" p.yaml; echo "rc=$?"
run: "$AGS" encrypt --keyservice tcp://localhost:5000 --age "$K1" p.yaml; echo "rc=$?"
run: SOPS_KMS_ARN=arn:aws:kms:x "$AGS" encrypt --age "$K1" p.yaml; echo "rc=$?"
run: SOPS_VAULT_URIS=https://v/transit/keys/k "$AGS" encrypt --age "$K1" p.yaml; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: rc=1
stderr~: -k: not an age key: agesops has no AWS KMS key source
stderr~: --keyservice: agesops has no remote key services
stderr~: SOPS_KMS_ARN is set: it names AWS KMS keys
stderr~: SOPS_VAULT_URIS is set

### rotate --filename-override picks the store (as Go)
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml blob
run: "$AGS" rotate --filename-override s.yaml -i blob && dec_with k1 --input-type yaml --extract '["stringData"]["user"]' blob
stdout: admin

### rotate, edit and groups refuse key-service flags by name, never "unrecognized option"
run: . "$SRC/tests/cli/sops-more-lib.sh"; secret; cp s.yaml before.yaml
run: "$AGS" rotate --encryption-context a:b s.yaml; echo "rc=$?"
run: "$AGS" rotate --add-kms arn:aws:kms:x s.yaml; echo "rc=$?"
run: "$AGS" edit --gcp-kms projects/p s.yaml; echo "rc=$?"
run: "$AGS" edit -k arn:aws:kms:x s.yaml; echo "rc=$?"
run: "$AGS" groups add --file s.yaml --kms arn:aws:kms:x; echo "rc=$?"
run: "$AGS" updatekeys --keyservice tcp://x:1 -y s.yaml; echo "rc=$?"
run: cmp s.yaml before.yaml && echo same
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: same
stderr~: --encryption-context: agesops has no AWS KMS encryption contexts
stderr~: --add-kms: not an age key
stderr~: --gcp-kms: not an age key
stderr~: -k: not an age key
stderr~: --kms: not an age key: agesops has no AWS KMS key source
stderr!: unrecognized option
