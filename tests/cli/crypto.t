# CLI cases for the crypto back ends (lib/crypto/backend.h, libcrypto.h): which
# runs load OpenSSL at all, and that libsodium and OpenSSL agree end to end.

### --version and keygen never load libcrypto; age loads it once, for HKDF (libsodium 1.0.18 has none)
run: $AGS keygen -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); echo hi >m.txt
run: LD_DEBUG=files $AGS --version 2>&1 >/dev/null | grep -c 'file=libcrypto'
run: LD_DEBUG=files $AGS keygen -o k2.txt 2>&1 | grep -c 'file=libcrypto'
run: LD_DEBUG=files $AGS age -r "$R" -o m.age m.txt 2>&1 | grep -c 'file=libcrypto.so.3 .*dynamically loaded'
run: LD_DEBUG=files $AGS age -d -i k.txt -o out.txt m.age 2>&1 | grep -c 'file=libcrypto.so.3 .*dynamically loaded'; cat out.txt
stdout: 0
stdout: 0
stdout: 1
stdout: 1
stdout: hi

### a sops file needs AES-256-GCM with a 32-byte IV: libcrypto is loaded on first use
run: $AGS keygen -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); printf 'a: secret\n' >s.yaml
run: export SOPS_AGE_KEY_FILE=k.txt; $AGS encrypt --age "$R" s.yaml >s.enc.yaml
run: LD_DEBUG=files $AGS decrypt s.enc.yaml 2>err.txt; grep -c 'file=libcrypto.so.3 .*dynamically loaded' err.txt
stdout: a: secret
stdout: 1

### libsodium and OpenSSL back ends read each other's files, across the 1 MiB hand-over
run: $AGS keygen -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); head -c 3000000 /dev/urandom >big
run: $AGS age -r "$R" -o a.age big; AGS_CRYPTO=openssl $AGS age -r "$R" -o b.age big
run: AGS_CRYPTO=openssl $AGS age -d -i k.txt a.age | cmp - big && $AGS age -d -i k.txt b.age | cmp - big && echo agree
run: age -d -i k.txt a.age | cmp - big && age -r "$R" big | $AGS age -d -i k.txt | cmp - big && echo go agrees
stdout: agree
stdout: go agrees

### a sops file written by one back end opens with the other
run: $AGS keygen -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); printf 'a: 1\nb: two\n' >s.yaml
run: export SOPS_AGE_KEY_FILE=k.txt; AGS_CRYPTO=openssl $AGS encrypt --age "$R" s.yaml >s.enc.yaml
run: $AGS decrypt s.enc.yaml && $AGS encrypt --age "$R" s.yaml | AGS_CRYPTO=openssl $AGS decrypt --input-type yaml /dev/stdin | head -1
stdout: a: 1
stdout: b: two
stdout: a: 1
