# agesops check: no false positives on what Go sops writes, the mistake that
# breaks Flux (kind/metadata encrypted), and failing closed on everything it
# cannot read (issue 10 `check` items, issue 14 item 6).

### check: "" and null in an encrypted file are not plaintext (Go sops never encrypts them)
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt
run: printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: ""\n  b: null\n  c: ~\n  d:\n  e: x\n' > s.yaml
run: $AGS encrypt -i --age "$R" --encrypted-regex '^(data|stringData)$' s.yaml && grep -c 'ENC\[' s.yaml && $AGS check s.yaml
stdout: 2
stderr~: checked 1 file: 0 problems

### check: a quoted "null" left in plaintext by hand is still found
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt
run: printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  e: x\n' > s.yaml && $AGS encrypt -i --age "$R" --encrypted-regex '^(data|stringData)$' s.yaml
run: sed -i 's/^    e: ENC.*/    e: "null"/' s.yaml; $AGS check --no-mac s.yaml
exit: 1
stdout~: ^s.yaml:6: Secret value stringData.e left in plaintext

### check: kind/metadata encrypted although the rule says encrypted_regex (sops -e without the rule)
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt; mkdir -p r/secrets && cd r && git init -q .
run: printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  e: x\n' > secrets/s.yaml; cp secrets/s.yaml secrets/ok.yaml; $AGS encrypt -i --age "$R" secrets/s.yaml
run: printf 'creation_rules:\n  - path_regex: ^secrets/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$R" > .sops.yaml
run: $AGS encrypt -i secrets/ok.yaml; git add -A; $AGS check
exit: 1
stdout~: ^secrets/s.yaml:2: kind/metadata are encrypted, so kustomize and Flux cannot read this manifest \(it was encrypted without the .sops.yaml rule's encrypted_regex: \^\(data\|stringData\)\$\); fix: agesops decrypt -i secrets/s.yaml && agesops encrypt -i secrets/s.yaml, run inside the repository$
stdout!: ok.yaml
stderr~: checked 3 files: 1 problem$

### check: the fix it names works; without a rule it says what to add
run: age-keygen -o key.txt 2>/dev/null; R=$(age-keygen -y key.txt); export SOPS_AGE_KEY_FILE=$PWD/key.txt; mkdir r && cd r && git init -q .
run: printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  e: x\n' > s.yaml; $AGS encrypt -i --age "$R" s.yaml; git add -A
run: $AGS check | grep -c 'after adding encrypted_regex: \^(data|stringData)\$ to the .sops.yaml rule'
run: printf 'creation_rules:\n  - encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$R" > .sops.yaml; git add -A
run: $AGS check -q >/dev/null; echo "before=$?"; $AGS decrypt -i s.yaml && $AGS encrypt -i s.yaml && $AGS check -q; echo "after=$?"; grep -c '^kind: Secret' s.yaml
stdout: 1
stdout: before=1
stdout: after=0
stdout: 1

### check: an unparsable .sops.yaml is an error naming it (it was a warning and exit 0)
run: git init -q . && printf 'creation_rules:\n  - path_regex: [\n' > .sops.yaml && printf 'a: 1\n' > x.yaml && git add -A
run: $AGS check
exit: 1
stdout: .sops.yaml:3:1: flow sequence without a closing bracket

### check: invalid UTF-8 after a plaintext Secret is an error naming the file, not a skip
run: printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: x\n# \377\n' > s.yaml; $AGS check s.yaml
exit: 1
stdout: s.yaml: not valid UTF-8: cannot be checked for Secrets

### check: YAML that does not parse is an error; a Helm template is a note
run: printf 'kind: Secret\ndata: [\n' > bad.yaml && printf 'kind: Secret\ndata:\n  p: {{ .Values.p | b64enc }}\n  {{- if .Values.x }}\n' > tmpl.yaml; $AGS check bad.yaml tmpl.yaml
exit: 1
stdout~: ^bad.yaml:[0-9]+: cannot parse as YAML
stdout~: ^tmpl.yaml:[0-9]+: note: a template that is not YAML

### check: Secrets inside kind: List items
run: printf 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: b\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n  stringData:\n    token: abc\n' > l.yaml; $AGS check l.yaml
exit: 1
stdout: l.yaml:13: plaintext Secret value stringData.token (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)

### check: stringData filled by a <<: *alias merge, and a whole map by an alias
run: printf 'base: &b\n  token: abc\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData: &sd\n  <<: {password: hunter2}\n' > m.yaml
run: printf 'x: &creds\n  user: admin\n  pass: s3cret\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  <<: *creds\n  extra: ""\n' > a.yaml; printf 'x: &c {k: v}\nkind: Secret\ndata: *c\n' > w.yaml
run: $AGS check m.yaml a.yaml w.yaml
exit: 1
stdout: m.yaml:9: plaintext Secret value stringData.password (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)
stdout: a.yaml:2: plaintext Secret value stringData.user (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)
stdout: a.yaml:3: plaintext Secret value stringData.pass (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)
stdout: w.yaml:1: plaintext Secret value data.k (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)

### check: a recursive alias is neither a crash nor a hang
run: printf 'kind: Secret\nstringData: &a\n  x: *a\n  y: z\n' > r.yaml; $AGS check r.yaml
exit: 1
stdout: r.yaml:4: plaintext Secret value stringData.y (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)

### check: files without a YAML/JSON extension that look like manifests are examined
run: git init -q . && printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: x\n' > secret && printf '{"apiVersion":"v1","kind":"Secret","data":{"p":"eA=="}}' > secret-json && printf 'just notes about a Secret\n' > notes && git add -A
run: $AGS check
exit: 1
stdout~: ^secret:6: plaintext Secret value stringData.p
stdout~: ^secret-json:1: plaintext Secret value data.p
stdout!: ^notes

### check: leftover temp files of an interrupted write are examined and reported
run: git init -q . && printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: x\n' > s.yaml.tmp0a1b2c3d && printf 'A=b\n' > out.env.agesops-deadbeef && printf 'kind: Secret\ndata:\n  p: eA==\n' > s.yaml~ && git add -A
run: $AGS check | sort
exit: 0
stdout: out.env.agesops-deadbeef: temporary file left by an interrupted write (it may hold plaintext): delete it
stdout: s.yaml.tmp0a1b2c3d: temporary file left by an interrupted write (it may hold plaintext): delete it
stdout: s.yaml.tmp0a1b2c3d:6: plaintext Secret value stringData.p (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)
stdout: s.yaml~:3: plaintext Secret value data.p (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)

### check: a file it cannot read is an error naming it
run: printf 'kind: Secret\n' > s.yaml && chmod 000 s.yaml; if [ "$(id -u)" = 0 ]; then echo 's.yaml: Permission denied'; exit 1; fi; $AGS check s.yaml
exit: 1
stdout~: ^s.yaml: .*(denied|permission)

### check: one file is "1 file"
run: printf 'a: 1\n' > a.yaml && $AGS check a.yaml
stderr~: checked 1 file: 0 problems$

### a YAML file holding a NUL byte cannot be checked: an error naming the file (libfyaml never sees it)
run: git init -q . && printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  pw: hun\000ter2\n' > s.yaml
run: $AGS check --no-mac s.yaml; echo "rc=$?"
stdout: s.yaml: cannot parse as YAML: cannot be checked for Secrets
stdout: rc=1
