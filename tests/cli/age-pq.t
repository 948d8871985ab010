# CLI cases for post-quantum (mlkem768x25519) keys; see run.sh for the format
# and age.t for the exit codes.

### keygen --pq writes the age-keygen -pq layout, mode 0600, public key on stderr
run: $AGS keygen --pq -o k.txt && stat -c %a k.txt && wc -l <k.txt
run: sed -n 2p k.txt | grep -cE '^# public key: age1pq1[02-9ac-hj-np-z]{1952}$'; sed -n 3p k.txt | grep -cE '^AGE-SECRET-KEY-PQ-1[02-9AC-HJ-NP-Z]{58}$'
stdout: 600
stdout: 3
stdout: 1
stdout: 1
stderr~: ^Public key: age1pq1[a-z0-9]{1952}$

### keygen -y on a post-quantum identity matches the public key comment
run: $AGS keygen --pq -o k.txt 2>/dev/null; $AGS keygen -y k.txt >r.txt; grep -q "^# public key: $(cat r.txt)$" k.txt && echo same
stdout: same

### keygen -y on the CCTV post-quantum identity (the recipient typage 0.3.1 derives)
run: echo AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG >k.txt; $AGS keygen -y k.txt | sha256sum | cut -c1-16
stdout: 7927f8509c6b0d3d

### --pq with -y is refused
run: $AGS keygen --pq -y k.txt
exit: 1
stderr~: --pq

### encrypt and decrypt round trip (binary and armored)
run: $AGS keygen --pq -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); echo "hello pq" | $AGS age -r "$R" -o m.age
run: $AGS age -d -i k.txt m.age; grep -c 'mlkem768x25519' m.age; echo "armored" | $AGS age -a -r "$R" | $AGS age -d -i k.txt
stdout: hello pq
stdout: 1
stdout: armored

### several post-quantum recipients, each identity opens the file
run: $AGS keygen --pq -o a.txt 2>/dev/null; $AGS keygen --pq -o b.txt 2>/dev/null
run: echo two | $AGS age -r "$($AGS keygen -y a.txt)" -r "$($AGS keygen -y b.txt)" -o m.age
run: $AGS age -d -i a.txt m.age; $AGS age -d -i b.txt m.age
stdout: two
stdout: two

### mixing post-quantum and classic recipients is refused, nothing written
run: $AGS keygen --pq -o p.txt 2>/dev/null; $AGS keygen -o x.txt 2>/dev/null
run: echo hi | $AGS age -r "$($AGS keygen -y p.txt)" -r "$($AGS keygen -y x.txt)" -o m.age; echo "rc=$?"; test -e m.age || echo none
stdout: rc=17
stdout: none
stderr~: can't mix post-quantum and classic recipients

### a post-quantum recipient with a bad checksum (last character changed, never to itself)
run: $AGS keygen --pq -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); case $R in *q) C=p;; *) C=q;; esac; echo hi | $AGS age -r "${R%?}$C" >/dev/null
exit: 17
stderr~: malformed recipient

### wrong identity: no match
run: $AGS keygen --pq -o a.txt 2>/dev/null; $AGS keygen --pq -o b.txt 2>/dev/null
run: echo hi | $AGS age -r "$($AGS keygen -y a.txt)" -o m.age; $AGS age -d -i b.txt m.age
exit: 15
stderr~: no identity matched

### CCTV hybrid vector through the CLI: success with the right payload
run: sed '1,/^$/d' $DATA/vectors/age/hybrid >v.age; grep '^identity: ' $DATA/vectors/age/hybrid | cut -d' ' -f2 >k.txt
run: $AGS age -d -i k.txt v.age | sha256sum | cut -d' ' -f1
stdout: 013f54400c82da08037759ada907a8b864e97de81c088a182062c4b5622fd2ab

### CCTV hybrid_low_order: a hard header error
run: sed '1,/^$/d' $DATA/vectors/age/hybrid_low_order >v.age; grep '^identity: ' $DATA/vectors/age/hybrid_low_order | cut -d' ' -f2 >k.txt
run: $AGS age -d -i k.txt v.age
exit: 11
stderr~: low-order

### CCTV hybrid_currupted_enc_mlkem: no match
run: sed '1,/^$/d' $DATA/vectors/age/hybrid_currupted_enc_mlkem >v.age; grep '^identity: ' $DATA/vectors/age/hybrid_currupted_enc_mlkem | cut -d' ' -f2 >k.txt
run: $AGS age -d -i k.txt v.age
exit: 15

### Flux's post-quantum sops fixture decrypts with its key (MAC verified)
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__
run: SOPS_AGE_KEY_FILE=${F}keys__age-pq.txt $AGS decrypt ${F}algorithms__age-pq.yaml | grep -E '^ +key: value$'
stdout~: key: value

### Flux's post-quantum sops fixture: a classic key cannot open it
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__
run: SOPS_AGE_KEY_FILE=${F}keys__age.txt $AGS decrypt ${F}algorithms__age-pq.yaml
exit: 128
stderr~: no identity matched

### Flux's post-quantum sops fixture with a tampered MAC
run: F=$DATA/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__
run: sed -E 's/^(  mac: ENC\[AES256_GCM,data:)g/\1h/' ${F}algorithms__age-pq.yaml >t.yaml
run: SOPS_AGE_KEY_FILE=${F}keys__age-pq.txt $AGS decrypt t.yaml
exit: 51
stderr~: MAC

### sops encrypt to a post-quantum and a classic recipient (one age file each), both keys decrypt
run: $AGS keygen --pq -o pq.txt 2>/dev/null; $AGS keygen -o x.txt 2>/dev/null; printf 'a: secret\n' >s.yaml
run: $AGS encrypt --age "$($AGS keygen -y pq.txt),$($AGS keygen -y x.txt)" s.yaml >s.enc.yaml
run: grep -c 'recipient: age1pq1' s.enc.yaml; SOPS_AGE_KEY_FILE=pq.txt $AGS decrypt s.enc.yaml; SOPS_AGE_KEY_FILE=x.txt $AGS decrypt s.enc.yaml
stdout: 1
stdout: a: secret
stdout: a: secret
