### encrypt -i through a symlink: the target is encrypted, the link stays a link
run: $AGS keygen -o k 2>/dev/null; export SOPS_AGE_KEY_FILE=$PWD/k
run: mkdir real; printf 'a: secret\n' > real/s.yaml; ln -s real/s.yaml l.yaml
run: $AGS encrypt -i --age $($AGS keygen -y k) l.yaml && test -L l.yaml && grep -q 'ENC\[' real/s.yaml && ! grep -q secret real/s.yaml && echo ok
stdout: ok

### decrypt -i, set, unset and --output through a symlink chain
run: $AGS keygen -o k 2>/dev/null; export SOPS_AGE_KEY_FILE=$PWD/k
run: mkdir real; printf 'a: secret\n' > real/s.yaml; ln -s real/s.yaml l1.yaml; ln -s l1.yaml l2.yaml
run: $AGS encrypt -i --age $($AGS keygen -y k) l2.yaml && $AGS set l2.yaml '["b"]' '"two"' && $AGS unset l2.yaml '["a"]'
run: test -L l2.yaml && test -L l1.yaml && grep -q '^b: ENC' real/s.yaml && ! grep -q '^a:' real/s.yaml && echo ok1
run: ln -s real/out.yaml out-link.yaml; $AGS decrypt --output out-link.yaml l2.yaml && test -L out-link.yaml && cat real/out.yaml
run: $AGS decrypt -i l2.yaml && test -L l2.yaml && cat real/s.yaml
stdout: ok1
stdout: b: two
stdout: b: two

### a file with two hard links is refused, both names unchanged
run: $AGS keygen -o k 2>/dev/null; printf 'a: secret\n' > s.yaml; ln s.yaml other.yaml
run: $AGS encrypt -i --age $($AGS keygen -y k) s.yaml; echo "rc=$?"; cat s.yaml other.yaml
stdout: rc=3
stdout: a: secret
stdout: a: secret
stderr~: s\.yaml: cannot write: the file has other hard links

### --output to a FIFO writes into it and leaves the FIFO
run: $AGS keygen -o k 2>/dev/null; export SOPS_AGE_KEY_FILE=$PWD/k
run: printf 'a: secret\n' > s.yaml; $AGS encrypt -i --age $($AGS keygen -y k) s.yaml; mkfifo ff
run: cat ff > got & $AGS decrypt --output ff s.yaml; wait; test -p ff && cat got
stdout: a: secret

### age -o through a symlink and into a FIFO
run: $AGS keygen -o k 2>/dev/null; mkdir real; echo hello > msg; ln -s real/m.age l.age
run: $AGS age -r $($AGS keygen -y k) -o l.age msg && test -L l.age && $AGS age -d -i k real/m.age
run: mkfifo ff; cat ff > got & $AGS age -d -i k -o ff real/m.age; wait; test -p ff && cat got
stdout: hello
stdout: hello

### owner, group, mode and extended attributes survive an in-place rewrite
run: [ "$(id -u)" = 0 ] || { echo skipped-not-root; exit 0; }
run: $AGS keygen -o k 2>/dev/null; printf 'a: secret\n' > s.yaml; chown 1234:2345 s.yaml; chmod 0640 s.yaml
run: python3 -c "import os; os.setxattr('s.yaml', 'user.agesops', b'kept')" 2>/dev/null && x=1
run: $AGS encrypt -i --age $($AGS keygen -y k) s.yaml && stat -c '%u:%g %a' s.yaml
run: [ -z "$x" ] || python3 -c "import os; print(os.getxattr('s.yaml', 'user.agesops').decode())"
stdout~: ^(1234:2345 640|skipped-not-root)$

### a 255-byte file name works in place, no temp file left
run: $AGS keygen -o k 2>/dev/null; n=$(printf 'n%.0s' $(seq 250)).yaml; printf 'a: secret\n' > $n
run: $AGS encrypt -i --age $($AGS keygen -y k) $n && grep -c '^a: ENC\[' $n; ls -A | grep -vc '^\.std'
stdout: 1
stdout: 2

### a stale temp file of a killed run is removed by the next write
run: $AGS keygen -o k 2>/dev/null; printf 'a: secret\n' > s.yaml; sh -c 'exit 0' & p=$!; wait
run: printf 'old plaintext\n' > .agesops-$p-0000000000000000.tmp
run: $AGS encrypt -i --age $($AGS keygen -y k) s.yaml && ls -A | grep -v '^\.std'
stdout: k
stdout: s.yaml

### keygen -o never overwrites, and writes nothing on failure
run: echo old > k; $AGS keygen -o k; echo "rc=$?"; cat k
stdout: rc=1
stdout: old
stderr~: failed to open output file "k": File exists

### kubeconfig: a password in the server URL is never printed
run: printf 'apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: ftp://admin:hunter2@example.invalid\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {token: t}\n' > kc
run: $AGS kube pubkey --kubeconfig kc
exit: 1
stderr~: admin:\*\*\*@example\.invalid
stderr!: hunter2

### kubeconfig: insecure-skip-tls-verify as a quoted string is refused (as kubectl)
run: printf 'apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: "true"\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {token: t}\n' > kc
run: $AGS kube pubkey --kubeconfig kc
exit: 1
stderr~: kc:6: insecure-skip-tls-verify must be true or false \(a boolean, not a quoted string\)

### a peer that speaks garbage instead of TLS: exit 75 (retry)
run: python3 -c 'import socket,sys,os
run: s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8); print(s.getsockname()[1], flush=True)
run: while True:
run:     c,_=s.accept(); c.recv(4096); c.sendall(b"HTTP/1.0 200 OK\r\n\r\n"+os.urandom(64)); c.close()' > port & srv=$!
run: for i in $(seq 50); do [ -s port ] && break; sleep 0.1; done
run: printf 'apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:%s\n    insecure-skip-tls-verify: true\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {token: t}\n' "$(cat port)" > kc
run: $AGS kube pubkey --kubeconfig kc --request-timeout 5; rc=$?; kill $srv; echo "rc=$rc"
stdout: rc=75
