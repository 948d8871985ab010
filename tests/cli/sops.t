# sops core CLI: encrypt/decrypt flags, sops' command lines, exit codes,
# tamper detection, atomic in-place writes.  Each case makes its own key.
# $K sets up: key.txt, $R (recipient), SOPS_AGE_KEY_FILE, s.yaml (a Secret).

### encrypt without a key: 1 (Go never returns 111)
run: printf 'a: b\n' >s.yaml; env -u SOPS_AGE_RECIPIENTS HOME=$PWD XDG_CONFIG_HOME=$PWD $AGS encrypt s.yaml
exit: 1
stderr~: no keys provided through command line options

### two rules at once: 8
run: printf 'a: b\n' >s.yaml; $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 --encrypted-regex a --unencrypted-suffix _x s.yaml
exit: 8
stderr~: more than one

### RE2 rejects backreferences, so do we
run: printf 'a: b\n' >s.yaml; $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 --encrypted-regex '(a)\1' s.yaml
exit: 1
stderr~: encrypted_regex.*backreference

### unknown flag
run: $AGS decrypt --bogus x.yaml
exit: 1
stderr~: unknown flag '--bogus'

### missing file: 100
run: $AGS decrypt nope.yaml
exit: 100
stderr~: nope.yaml

### a pgp key gpg does not know: could not generate data key (exit 1, as Go)
run: printf 'a: b\n' >s.yaml; mkdir -m 700 g; GNUPGHOME=$PWD/g $AGS encrypt --pgp ABCDEF s.yaml
exit: 1
stderr~: could not generate data key.*ABCDEF
stdout!: .

### kms keys are refused clearly
run: printf 'a: b\n' >s.yaml; $AGS encrypt --kms arn:aws:kms:x s.yaml
exit: 1
stderr~: --kms: not an age key: agesops has no AWS KMS

### sops --version looks like sops
run: ln -s $AGS sops && ./sops --version
stdout~: ^sops 3\.13\.2 \(agesops

### round trip, in place, mode kept, comments and layout kept
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD XDG_CONFIG_HOME=$PWD/c
run: printf '# c\napiVersion: v1\nkind: Secret\nmetadata:\n    name: x\nstringData:\n    # inner\n    pw: s3cr3t\n    num: "5"\n' >s.yaml; cp s.yaml orig.yaml; chmod 640 s.yaml
run: $AGS encrypt -i --age "$R" --encrypted-regex '^(data|stringData)$' s.yaml && stat -c %a s.yaml && grep -c 'ENC\[' s.yaml
run: $AGS decrypt -i s.yaml && cmp s.yaml orig.yaml && echo same
stdout: 640
stdout: 4
stdout: same

### already encrypted: 203, file untouched
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt)
run: printf 'a: b\n' >s.yaml; $AGS encrypt -i --age "$R" s.yaml; cp s.yaml before; $AGS encrypt -i --age "$R" s.yaml; echo rc=$?; cmp s.yaml before && echo untouched
stdout: rc=203
stdout: untouched
stderr~: already encrypted

### decrypting a plain file: sops metadata not found, exit 1
run: printf 'a: b\n' >p.yaml; $AGS decrypt p.yaml
exit: 1
stderr~: p.yaml: sops metadata not found

### tamper: an unencrypted value changed -> MAC mismatch 51, nothing printed
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'kind: Secret\nstringData:\n    pw: x\n' >s.yaml; $AGS encrypt -i --age "$R" --encrypted-regex '^stringData$' s.yaml
run: sed -i 's/^kind: Secret/kind: Other/' s.yaml; $AGS decrypt s.yaml
exit: 51
stdout:
stderr~: MAC mismatch

### tamper: --ignore-mac decrypts anyway
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'kind: Secret\nstringData:\n    pw: x\n' >s.yaml; $AGS encrypt -i --age "$R" --encrypted-regex '^stringData$' s.yaml
run: sed -i 's/^kind: Secret/kind: Other/' s.yaml; $AGS decrypt --ignore-mac --extract '["stringData"]["pw"]' s.yaml
stdout: x

### tamper: a flipped ciphertext byte -> 25 naming the key
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'pw: secretvalue\n' >s.yaml; $AGS encrypt -i --age "$R" s.yaml
run: python3 -c "import re,sys; s=open('s.yaml').read(); i=s.index('pw: ENC[AES256_GCM,data:')+24; c='B' if s[i]=='A' else 'A'; open('s.yaml','w').write(s[:i]+c+s[i+1:])"; $AGS decrypt s.yaml
exit: 25
stderr~: s.yaml: .*key pw

### tamper: mac removed -> 51 "no MAC" (as Go sops)
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'pw: x\n' >s.yaml; $AGS encrypt -i --age "$R" s.yaml; sed -i '/^    mac: /d' s.yaml; $AGS decrypt s.yaml
exit: 51
stderr~: no MAC

### wrong key -> 128
run: age-keygen -o key.txt 2>/dev/null; age-keygen -o k2.txt 2>/dev/null; R=$(age-keygen -y key.txt); export HOME=$PWD
run: printf 'pw: x\n' >s.yaml; $AGS encrypt -i --age "$R" s.yaml; SOPS_AGE_KEY_FILE=$PWD/k2.txt $AGS decrypt s.yaml
exit: 128
stderr~: s.yaml: failed to get the data key

### stdin, --output, SOPS_AGE_RECIPIENTS, --indent, JSON
run: age-keygen -o key.txt 2>/dev/null; export SOPS_AGE_RECIPIENTS=$(age-keygen -y key.txt) SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf '{"a": {"b": 1}}' | $AGS encrypt --input-type json --output e.json /dev/stdin; $AGS decrypt --indent 2 e.json
run: printf 'x: 1\n' | $AGS encrypt --filename-override f.yaml | $AGS decrypt --input-type yaml
stdout: {
stdout:   "a": {
stdout:     "b": 1
stdout:   }
stdout: }
stdout: x: 1

### --extract: a string leaf raw, a subtree in the output format
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'a:\n    b: hello\n    c: 2\n' >s.yaml; $AGS encrypt -i --age "$R" s.yaml
run: $AGS decrypt --extract '["a"]["b"]' s.yaml; echo; $AGS decrypt --extract '["a"]' s.yaml; $AGS decrypt --extract '["a"]["zz"]' s.yaml; echo rc=$?
stdout: hello
stdout: b: hello
stdout: c: 2
stdout: rc=1

### sops front end: legacy -e/-d, global flags before the command
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD; ln -s $AGS sops
run: printf 'a: b\n' >s.yaml; ./sops -e --age "$R" s.yaml >e1.yaml && ./sops -d e1.yaml
run: ./sops --indent 2 --age "$R" encrypt --encrypted-regex '^a$' s.yaml >e2.yaml && grep -c 'encrypted_regex' e2.yaml && ./sops decrypt e2.yaml
run: ./sops -i -e --age "$R" s.yaml && ./sops --ignore-mac decrypt --extract '["a"]' s.yaml
stdout: a: b
stdout: 1
stdout: a: b
stdout: b

### decrypt --textconv: plain files unchanged, encrypted ones decrypted, no key -> unchanged
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export HOME=$PWD
run: printf 'a: b\n' >p.yaml; $AGS decrypt --textconv p.yaml; cp p.yaml s.yaml; $AGS encrypt -i --age "$R" s.yaml
run: SOPS_AGE_KEY_FILE=$PWD/key.txt $AGS decrypt --textconv s.yaml; $AGS decrypt --textconv s.yaml 2>/dev/null | grep -c 'ENC\['
stdout: a: b
stdout: a: b
stdout: 2

### encrypt from stdin needs --filename-override (8), -i needs a file (8)
run: printf 'a: b\n' | $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29; echo rc=$?; printf 'a: b\n' | $AGS decrypt -i -; echo rc=$?
stdout: rc=8
stdout: rc=8
stderr~: filename-override

### every scalar type: typed ENC[] values, plaintext back as Go prints it
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 's: x\ni: -3\nf: 1.5\nb: false\nt: 2024-01-01T10:00:00Z\nd: 2024-01-01\nz: null\ne: ""\nl:\n    - 1\n    - y\n' >s.yaml
run: $AGS encrypt --age "$R" s.yaml >e.yaml; grep -oE 'type:[a-z]+' e.yaml | sort | uniq -c | sed 's/^ *//'; $AGS decrypt e.yaml
stdout: 1 type:bool
stdout: 1 type:float
stdout: 2 type:int
stdout: 3 type:str
stdout: 2 type:time
stdout: s: x
stdout: i: -3
stdout: f: 1.5
stdout: b: false
stdout: t: 2024-01-01T10:00:00Z
stdout: d: 2024-01-01T00:00:00Z
stdout: z: null
stdout: e: ""
stdout: l:
stdout:     - 1
stdout:     - "y"

### bad plaintext: 2, one line naming file and place; top-level list; non-string key; empty file 92
run: R=age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29
run: printf 'a: [\n' >b.yaml; $AGS encrypt --age $R b.yaml; echo rc=$?; printf -- '- a\n' >l.yaml; $AGS encrypt --age $R l.yaml; echo rc=$?
run: printf '1: x\n' >k.yaml; $AGS encrypt --age $R k.yaml; echo rc=$?; : >e.yaml; $AGS encrypt --age $R e.yaml; echo rc=$?; ls
stdout: rc=2
stdout: rc=2
stdout: rc=2
stdout: rc=92
stdout: b.yaml
stdout: e.yaml
stdout: k.yaml
stdout: l.yaml
stderr~: b.yaml: line 2
stderr~: k.yaml: line 1: .*string keys

### bad recipient is named, exit 1, nothing written
run: printf 'a: b\n' >s.yaml; cp s.yaml o.yaml; $AGS encrypt -i --age age1bad s.yaml; echo rc=$?; cmp s.yaml o.yaml && echo untouched
stdout: rc=1
stdout: untouched
stderr~: age recipient "age1bad"

### SOPS_AGE_KEY may hold a whole age-keygen file (comment lines with blanks)
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); printf 'a: secret\n' >s.yaml
run: $AGS encrypt --age $R s.yaml >e.yaml && env -u SOPS_AGE_KEY_FILE HOME=$PWD XDG_CONFIG_HOME=$PWD SOPS_AGE_KEY="$(cat key.txt)" $AGS decrypt e.yaml
stdout: a: secret

### SOPS_AGE_KEY with several keys on one line
run: age-keygen -o k1.txt 2>/dev/null; age-keygen -o k2.txt 2>/dev/null; printf 'a: secret\n' >s.yaml
run: $AGS encrypt --age $(age-keygen -y k2.txt) s.yaml >e.yaml && env -u SOPS_AGE_KEY_FILE HOME=$PWD XDG_CONFIG_HOME=$PWD SOPS_AGE_KEY="$(grep AGE- k1.txt) $(grep AGE- k2.txt)" $AGS decrypt e.yaml
stdout: a: secret

### a tampered encrypted comment is refused: exit 25, nothing printed (Go prints it with a warning)
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf '# top comment\na: 1\n# about b\nb: two\n' >s.yaml; $AGS encrypt --age "$R" s.yaml >e.yaml
run: $AGS decrypt e.yaml | grep -c 'about b'
run: sed 's/^#ENC\[AES256_GCM,data:\(.\)\(.\)/#ENC[AES256_GCM,data:\2\1/' e.yaml >t.yaml; cmp -s e.yaml t.yaml && echo unchanged
run: $AGS decrypt t.yaml; echo "rc=$?"
stdout: 1
stdout: rc=25
stderr~: line 1: .*encrypted comment fails to authenticate

### an encrypted comment moved to another key is refused too
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'p:\n    # about x\n    x: 1\nq:\n    z: 2\n' >s.yaml; $AGS encrypt --age "$R" s.yaml >e.yaml
run: awk '/^    #ENC/ {c=$0; next} {print} /^q:/ {print c}' e.yaml >t.yaml; grep -c '^    #ENC' t.yaml; $AGS decrypt t.yaml; echo "rc=$?"
stdout: 1
stdout: rc=25

### a plain comment (not ENC[...]) added to an encrypted file still passes
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'a: 1\n' >s.yaml; $AGS encrypt --age "$R" s.yaml >e.yaml
run: { echo '# added by hand'; cat e.yaml; } >t.yaml; $AGS decrypt t.yaml
stdout: # added by hand
stdout: a: 1

### sops: global flags before groups, and groups add -f FILE (as Go)
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD; ln -s $AGS sops
run: age-keygen -o k2.txt 2>/dev/null; R2=$(age-keygen -y k2.txt)
run: printf 'a: b\n' >s.yaml; ./sops encrypt --age "$R" -i s.yaml
run: ./sops --verbose groups add -f s.yaml --age "$R2" -i && grep -c 'recipient:' s.yaml
run: SOPS_AGE_KEY="$(grep AGE-SECRET k2.txt)" ./sops decrypt s.yaml
stdout: 2
stdout: a: b

### sops --set '["k"] VALUE' -i FILE (legacy form): the index ends at the first "] "
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD; ln -s $AGS sops
run: printf 'a: 2\nb: ba\n' >s.yaml; ./sops -e --age "$R" -i s.yaml
run: ./sops --set '["a"] "x] y"' -i s.yaml && ./sops --set '["b"] {"c": 1}' s.yaml && ./sops -d s.yaml
run: ./sops --set 'a' s.yaml; echo "rc=$?"
stdout: a: x] y
stdout: b:
stdout:     c: 1
stdout: rc=7

### parse errors say what is wrong in the file, with line and column, not libfyaml's phrase
run: printf '{"a": foo}\n' >s.json; $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 s.json; echo "rc=$?"
stdout: rc=2
stderr~: s\.json: line 1, column 7: not a JSON value: text must be in double quotes
stderr!: plain scalar

### a one-file summary says "1 file"
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt HOME=$PWD
run: printf 'a: b\n' >s.yaml; $AGS encrypt --age "$R" s.yaml >e.yaml; printf 'x' >>e.yaml; $AGS decrypt --check e.yaml; echo "rc=$?"
stdout~: rc=[1-9]
stderr~: decrypt --check: 1 file, 0 done
stderr!: 1 files
