# agesops secret: flux golden outputs (tests/golden/flux, transcribed from the
# spec's recorded `flux create secret git --export` outputs), CAPMOX, errors.

### secret git: the runbook's command, byte for byte
run: $AGS secret git cluster09 --url=https://github.com/MoTTTT/cluster09.git --username=martinjcolley@gmail.com --password='<GIT_TOKEN>' > out && cmp out $SRC/tests/golden/flux/git-basic-cluster09.yaml && echo same
stdout: same

### secret git: flux's basic golden (global flags after the name)
run: $AGS secret git podinfo-auth --url=https://github.com/stefanprodan/podinfo --username=my-username --password=my-password --namespace=my-namespace > out && cmp out $SRC/tests/golden/flux/git-basic.yaml && echo same
stdout: same

### secret git: --password-stdin gives the same bytes
run: printf 'my-password\n' | $AGS secret git podinfo-auth --url=https://github.com/stefanprodan/podinfo -u my-username --password-stdin -n my-namespace > out && cmp out $SRC/tests/golden/flux/git-basic.yaml && echo same
stdout: same

### secret git: CA file verbatim
run: printf ca-data > ca && $AGS secret git ca-crt --url=https://github.com/stefanprodan/podinfo -u my-username -p my-password --ca-crt-file=ca -n my-namespace > out && cmp out $SRC/tests/golden/flux/git-ca-crt.yaml && echo same
stdout: same

### secret git: bearer token from stdin
run: echo ghp_0123456789abcdefABCDEF0123456789abcd | $AGS secret git bearer-token-auth --url=https://github.com/stefanprodan/podinfo --bearer-token-stdin -n my-namespace > out && cmp out $SRC/tests/golden/flux/git-bearer-token.yaml && echo same
stdout: same

### secret git: labels sort before name, values that read as numbers/bools are quoted
run: $AGS secret git podinfo-auth --url=http://x/y -u yes -p 1234 --label app=podinfo,team=web > out && cmp out $SRC/tests/golden/flux/git-labels-quoting.yaml && echo same
stdout: same

### secret git: a PEM CA becomes a literal block
run: printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' > ca && $AGS secret git s --url=https://h/r -u u -p p --ca-crt-file=ca
stdout: ---
stdout: apiVersion: v1
stdout: kind: Secret
stdout: metadata:
stdout:   name: s
stdout:   namespace: flux-system
stdout: stringData:
stdout:   ca.crt: |
stdout:     -----BEGIN CERTIFICATE-----
stdout:     MIIB
stdout:     -----END CERTIFICATE-----
stdout:   password: p
stdout:   username: u
stdout:

### secret git: ssh with a given key: identity verbatim, identity.pub derived, known_hosts trimmed
run: ssh-keygen -q -t ed25519 -N '' -C '' -f k >/dev/null && printf 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n\n' > kh
run: $AGS secret git podinfo-auth --url=ssh://git@github.com/stefanprodan/podinfo --private-key-file=k --known-hosts-file=kh -n my-namespace > out 2>err
run: { printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: podinfo-auth\n  namespace: my-namespace\nstringData:\n  identity: |\n'; sed 's/^/    /' k; printf '  identity.pub: |\n    %s\n' "$(ssh-keygen -y -f k)"; printf '  known_hosts: github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n\n'; } > want
run: cmp out want && grep -q "deploy key: $(ssh-keygen -y -f k)" err && echo same
stdout: same

### secret git: a passphrase-protected PEM key needs --password, which is stored
run: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-128-cbc -pass pass:pw -out k.pem 2>/dev/null && printf 'h ssh-rsa AAAA\n' > kh
run: $AGS secret git s --url=ssh://git@h/r --private-key-file=k.pem --known-hosts-file=kh 2>/dev/null; echo "rc=$?"; $AGS secret git s --url=ssh://git@h/r --private-key-file=k.pem --known-hosts-file=kh --password pw | grep -A1 -E '^  (password|identity.pub)'
stdout~: ^rc=1
stdout~: password: pw
stdout~: ^    ecdsa-sha2-nistp256 AAAA

### secret git: generated ssh keys load in ssh-keygen (every algorithm)
run: printf 'h ssh-ed25519 AAAA\n' > kh; for a in "ecdsa" "ecdsa --ssh-ecdsa-curve p256" "ecdsa --ssh-ecdsa-curve p521" "rsa" "rsa --ssh-rsa-bits 1024" "ed25519 --ssh-key-format openssh" "ecdsa --ssh-key-format openssh" "rsa --ssh-key-format openssh"; do
run:   $AGS secret git s --url=ssh://git@h/r --known-hosts-file=kh --ssh-key-algorithm $a > o 2>/dev/null || { echo "fail $a"; continue; }
run:   awk '/^  identity: \|/{f=1;next} /^  [^ ]/{f=0} f{sub(/^    /,"");print}' o > id; chmod 600 id
run:   pub=$(awk '/^  identity.pub: \|/{getline; sub(/^    /,""); print}' o)
run:   [ "$(ssh-keygen -y -f id)" = "$pub" ] && echo "ok ${a%% *}" || echo "bad $a"
run: done | sort | uniq -c | awk '{print $2, $3, $1}'
stdout: ok ecdsa 4
stdout: ok ed25519 1
stdout: ok rsa 3

### secret git: generated keys are PKCS#8 PEM by default, as flux writes them (Ed25519 checked with openssl)
run: printf 'h ssh-ed25519 AAAA\n' > kh; $AGS secret git s --url=ssh://git@h/r --known-hosts-file=kh --ssh-key-algorithm ed25519 > o 2>/dev/null
run: awk '/^  identity: \|/{f=1;next} /^  [^ ]/{f=0} f{sub(/^    /,"");print}' o > id; head -1 id
run: raw=$(openssl pkey -in id -pubout -outform DER | tail -c 32 | base64); pub=$(awk '/^  identity.pub: \|/{getline; print $2}' o); [ "$(echo "$pub" | base64 -d | tail -c 32 | base64)" = "$raw" ] && echo match
stdout: -----BEGIN PRIVATE KEY-----
stdout: match

### secret git: ssh without known_hosts fails offline with a hint
run: $AGS secret git s --url=ssh://git@github.com/x/y
exit: 1
stderr~: --known-hosts-file

### secret git: http errors as flux words them
run: $AGS secret git s --url=https://h/r -u u; echo "rc=$?"; $AGS secret git s --url=https://h/r -u u -p p --bearer-token t; echo "rc=$?"; $AGS secret git s --url=ftp://h/r -u u -p p; echo "rc=$?"; $AGS secret git --url=https://h/r; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: rc=1
stderr~: for Git over HTTP/S the username and password, or a bearer token is required
stderr~: user credentials and bearer token cannot be used together
stderr~: git URL scheme 'ftp' not supported, can be: ssh, http and https
stderr~: secret name is required

### secret git: bad namespace, bad curve, bad rsa bits
run: $AGS secret git s --url=https://h/r -u u -p p -n Bad_NS; echo "rc=$?"; $AGS secret git s --url=ssh://h/r --ssh-ecdsa-curve p224; echo "rc=$?"; $AGS secret git s --url=ssh://h/r --ssh-rsa-bits 1000; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stdout: rc=1

### secret git: the password does not stay in the process list (argv wiped)
run: $AGS secret git s --url=https://h/r -u u -p sup3rs3cret | grep -c sup3rs3cret
stdout: 1

### secret proxmox: the runbook's CAPMOX secret
run: echo 0f3c8e1a-1234-4abc-9def-0123456789ab | $AGS secret proxmox -n cluster09 --url https://192.168.4.50:8006 --token-id 'root@pam!root' --token-secret-stdin
stdout: ---
stdout: apiVersion: v1
stdout: kind: Secret
stdout: metadata:
stdout:   labels:
stdout:     cluster.x-k8s.io/provider: infrastructure-proxmox
stdout:     clusterctl.cluster.x-k8s.io: ""
stdout:     platform.ionos.com/secret-type: proxmox-credentials
stdout:   name: capmox-manager-credentials
stdout:   namespace: cluster09
stdout: stringData:
stdout:   secret: 0f3c8e1a-1234-4abc-9def-0123456789ab
stdout:   token: root@pam!root
stdout:   url: https://192.168.4.50:8006

### secret proxmox: insecure and root_ca, secret from the environment
run: printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' > ca; PROXMOX_SECRET=0f3c8e1a-1234-4abc-9def-0123456789ab $AGS secret proxmox pve-creds -n c1 --url https://pve.example:8006/ --token-id 'capmox@pve!capi' --insecure false --root-ca-file ca | sed -n '/^stringData/,$p'
stdout: stringData:
stdout:   insecure: "false"
stdout:   root_ca: |
stdout:     -----BEGIN CERTIFICATE-----
stdout:     MIIB
stdout:     -----END CERTIFICATE-----
stdout:   secret: 0f3c8e1a-1234-4abc-9def-0123456789ab
stdout:   token: capmox@pve!capi
stdout:   url: https://pve.example:8006/

### secret proxmox: validation of token id and URL
run: for t in 'root@pam' 'rootpam!x' '@pam!x' 'root@pam!' 'root@pam!1x' 'a b@pam!x'; do echo s | $AGS secret proxmox -n c --url https://h:8006 --token-id "$t" --token-secret-stdin >/dev/null 2>&1; echo "rc=$?"; done | sort -u
run: for u in 'ftp://h:8006' 'https://' 'https://h:99999' 'https://h:x' 'h:8006'; do echo s | $AGS secret proxmox -n c --url "$u" --token-id 'a@b!c' --token-secret-stdin >/dev/null 2>&1; echo "rc=$?"; done | sort -u
stdout: rc=1
stdout: rc=1

### secret proxmox: no namespace, no token secret source
run: $AGS secret proxmox --url https://h:8006 --token-id 'a@b!c'; echo "rc=$?"; env -u PROXMOX_SECRET setsid $AGS secret proxmox -n c --url https://h:8006 --token-id 'a@b!c' </dev/null; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stderr~: -n NAMESPACE is required
stderr~: no token secret

### secret proxmox: a non-UUID secret and an unusual port only warn
run: echo tok | $AGS secret proxmox -n c --url https://h --token-id 'a@b!c' --token-secret-stdin | grep -c 'secret: tok'
stdout: 1
stderr~: does not look like a Proxmox token UUID
stderr~: port 8006

### secret generic: --output writes the file, nothing on stdout
run: $AGS secret generic s --from-literal=a=b --output s.yaml && stat -c %a s.yaml && cat s.yaml
stdout: 600
stdout: apiVersion: v1
stdout: data:
stdout:   a: Yg==
stdout: kind: Secret
stdout: metadata:
stdout:   creationTimestamp: null
stdout:   name: s

### secret generic: kubectl 1.34 layout
run: $AGS secret generic s -n ns --from-literal=a=b --no-creation-timestamp
stdout: apiVersion: v1
stdout: data:
stdout:   a: Yg==
stdout: kind: Secret
stdout: metadata:
stdout:   name: s
stdout:   namespace: ns

### secret: unknown kind
run: $AGS secret nope x
exit: 1
stderr~: unknown secret kind

### check: a clean repository passes (encrypted Secret with matching .sops.public.key, ConfigMap)
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller; git init -q . && cp $F/internal__controller__testdata__sops__algorithms__age.yaml secret.yaml && cp $F/internal__controller__testdata__sops__envs__env.env app.env
run: echo age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 > .sops.public.key; printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n' > cm.yaml; git add -A
run: $AGS check --no-mac
stderr~: checked [0-9]+ files?: 0 problems

### check: wrong recipient named with file and line (YAML and dotenv)
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller; git init -q . && cp $F/internal__controller__testdata__sops__algorithms__age.yaml secret.yaml && cp $F/internal__controller__testdata__sops__envs__env.env app.env
run: echo age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql > .sops.public.key; git add -A
run: $AGS check --no-mac
exit: 1
stdout~: ^secret.yaml:[0-9]+: encrypted for age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29, which .*\.sops\.public\.key does not name
stdout~: ^app.env:[0-9]+: encrypted for age1l44x

### check: .sops.yaml rules win over .sops.public.key and are matched by path
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller; git init -q . && mkdir -p a b && cp $F/internal__controller__testdata__sops__algorithms__age.yaml a/s.yaml && cp a/s.yaml b/s.yaml
run: printf 'creation_rules:\n  - path_regex: ^a/\n    age: age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29\n  - path_regex: ^b/\n    age: age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql\n' > .sops.yaml; git add -A
run: $AGS check --no-mac
exit: 1
stdout~: ^b/s.yaml:[0-9]+: encrypted for age1l44x
stdout!: ^a/s.yaml

### check: plaintext Secret values (single and multi-document), with line numbers
run: git init -q . && $AGS secret generic s --from-literal=password=x > plain.yaml && printf -- '---\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: t\nstringData:\n  token: abc\n' > multi.yaml && git add -A
run: $AGS check
exit: 1
stdout: multi.yaml:9: plaintext Secret value stringData.token (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)
stdout: plain.yaml:3: plaintext Secret value data.password (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)

### check: a value left in plaintext by the rules of an encrypted file
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller; cp $F/internal__controller__testdata__sops__algorithms__age.yaml s.yaml && sed -i 's/^  key: ENC.*/  key: leaked/' s.yaml
run: $AGS check --no-mac s.yaml
exit: 1
stdout~: ^s.yaml:[0-9]+: Secret value stringData.key left in plaintext by the encryption rules

### check: committed private keys (age, OpenSSH, PEM, PGP); placeholders in docs are not keys
run: ssh-keygen -q -t ed25519 -N '' -f id && openssl genpkey -algorithm ed25519 -out k.pem 2>/dev/null && cp $DATA/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__keys__age.txt age.txt && cp $DATA/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__keys__pgp.asc pgp.asc
run: printf 'Use AGE-SECRET-KEY-1... and -----BEGIN PRIVATE KEY----- in docs\n' > README.md
run: $AGS check --no-mac . | sort
exit: 0
stdout~: ^age.txt:[0-9]+: committed age private key
stdout~: ^id:1: committed OpenSSH private key
stdout~: ^k.pem:1: committed PEM private key
stdout~: ^pgp.asc:[0-9]+: committed PGP private key
stdout!: README

### check: exit status with private keys
run: ssh-keygen -q -t ed25519 -N '' -f id && $AGS check -q id
exit: 1

### check: secretGenerator literals and unencrypted sources; encrypted sources pass
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller; mkdir k && cp $F/internal__controller__testdata__sops__envs__env.env k/enc.env && echo tok > k/tok.txt && cp $F/internal__controller__testdata__sops__files__file.txt k/tok.enc
run: printf 'secretGenerator:\n- name: s\n  literals:\n  - password=x\n  - empty=\n  files:\n  - token=tok.txt\n  - token2=tok.enc\n  envs:\n  - enc.env\n  - missing.env\n' > k/kustomization.yaml
run: $AGS check --no-mac k
exit: 1
stdout~: ^k/kustomization.yaml:4: secretGenerator literal 'password' is plaintext
stdout~: ^k/kustomization.yaml:7: secretGenerator files 'tok.txt' is not SOPS-encrypted
stdout!: kustomization.yaml:(5|8|10):
stdout~: ^k/kustomization.yaml:11: note: secretGenerator source 'missing.env'

### check: unparseable YAML is an error naming the file (check fails closed), not a crash
run: printf 'kind: Secret\ndata: [\n' > bad.yaml && $AGS check bad.yaml
exit: 1
stdout~: ^bad.yaml:[0-9]+: cannot parse as YAML

### check: outside git without paths
run: $AGS check
exit: 1
stderr~: not in a git work tree

### check reads single-quoted values with doubled '' escapes (libfyaml 0.7.12 mangles them)
run: printf "apiVersion: v1\nkind: Secret\nmetadata:\n  name: q\nstringData:\n  p: 'x''''y'\n" > q.yaml; $AGS check q.yaml
exit: 1
stdout~: q.yaml:6: plaintext Secret value stringData.p

### check: one file is "1 file"
run: mkdir r && cd r && git init -q . && printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n' > cm.yaml && git add -A && $AGS check --no-mac
stderr~: checked 1 file: 0 problems
