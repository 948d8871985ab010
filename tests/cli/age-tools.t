# age 1.3's other programs (age-inspect, age-plugin-batchpass), ssh-to-age,
# --version, and the age CLI fixes of issue #10 (each case failed before).

### age -o F F is refused and F is left untouched (age issue 491)
run: $AGS keygen -o k.txt 2>/dev/null; echo hello >f; cp f f.orig; ln -s $AGS age
run: ./age -r "$($AGS keygen -y k.txt)" -o f f; echo "rc=$?"; cmp f f.orig && echo same
stdout: rc=1
stdout: same
stderr~: input and output file are the same: "f"

### age -d -i key -o key is refused and the key survives
run: $AGS keygen -o k.txt 2>/dev/null; cp k.txt k.orig; echo hi | $AGS age -e -i k.txt -o m.age
run: $AGS age -d -i k.txt -o k.txt m.age; echo "rc=$?"; cmp k.txt k.orig && echo same
stdout: rc=2
stdout: same
stderr~: input and output file are the same: "k.txt"

### duplicate recipients, recipients files and identity files are warned about
run: $AGS keygen -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); echo "$R" >r.txt
run: echo hi | $AGS age -r $R -r $R -R r.txt -R r.txt -o m.age && $AGS age -d -i k.txt -i k.txt m.age
stdout: hi
stderr~: warning: duplicate recipient "age1
stderr~: warning: duplicate recipients file "r.txt"
stderr~: warning: duplicate identity file "k.txt"

### a file for a key, decrypted without -i, says identities are required
run: $AGS keygen -o k.txt 2>/dev/null; echo hi | $AGS age -r "$($AGS keygen -y k.txt)" -o m.age; setsid $AGS age -d m.age
exit: 15
stderr~: the file is not passphrase-encrypted, identities are required
stderr~: hint: specify identities with -i/--identity or -j

### a missing plugin carries age's hint
run: echo hi | PATH=/usr/bin:/bin $AGS age -r age1nonexistentplugin1pt5d8z -o t.age; echo "rc=$?"; ls
stdout: rc=1
stderr~: nonexistentplugin plugin: "age-plugin-nonexistentplugin" not found
stderr~: hint: you might want to install the "nonexistentplugin" plugin
stderr~: awesome#plugins

### age --version and age-keygen --version read as age 1.3.1, agesops named after it
run: ln -s $AGS age; ln -s $AGS age-keygen; ./age --version; ./age-keygen --version; $AGS age -version
stdout: v1.3.1+agesops.0.1.0
stdout: v1.3.1+agesops.0.1.0
stdout: v1.3.1+agesops.0.1.0

### batchpass: AGE_PASSPHRASE encrypts standard scrypt stanzas that Go age opens with the passphrase
run: ln -s $AGS age-plugin-batchpass; export PATH=$PWD:$PATH; echo secret >in
run: AGE_PASSPHRASE=pw AGE_PASSPHRASE_WORK_FACTOR=10 $AGS age -e -j batchpass -o f.age in
run: head -2 f.age | cut -d" " -f1,2; AGE_PASSPHRASE=pw $AGS age -d -j batchpass f.age
run: if command -v age >/dev/null && [ "$(readlink -f "$(command -v age)")" != "$(readlink -f $AGS)" ]; then
run:   printf 'pw\n' >tty; script -qec "age -d -o go.out f.age" /dev/null <tty >/dev/null; cat go.out; else echo secret; fi
stdout: age-encryption.org/v1
stdout: -> scrypt
stdout: secret
stdout: secret

### batchpass: AGE_PASSPHRASE_FD, and Go age's scrypt file opens with it
run: ln -s $AGS age-plugin-batchpass; export PATH=$PWD:$PATH; echo secret >in
run: AGE_PASSPHRASE_FD=3 $AGS age -e -j batchpass -a -o f.age in 3<<<'pw'
run: AGE_PASSPHRASE_FD=3 $AGS age -d -j batchpass f.age 3<<<'pw'
stdout: secret

### batchpass: wrong passphrase, both variables, neither, a work factor too large
run: ln -s $AGS age-plugin-batchpass; export PATH=$PWD:$PATH; echo x >in
run: AGE_PASSPHRASE=pw AGE_PASSPHRASE_WORK_FACTOR=12 $AGS age -e -j batchpass -o f.age in
run: AGE_PASSPHRASE=bad $AGS age -d -j batchpass f.age; echo "rc=$?"
run: AGE_PASSPHRASE=pw AGE_PASSPHRASE_FD=3 $AGS age -e -j batchpass in 3</dev/null; echo "rc=$?"
run: $AGS age -e -j batchpass -a in; echo "rc=$?"
run: AGE_PASSPHRASE=pw AGE_PASSPHRASE_MAX_WORK_FACTOR=11 $AGS age -d -j batchpass f.age; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stdout: rc=1
stdout: rc=1
stderr~: batchpass plugin: incorrect passphrase
stderr~: mutually exclusive
stderr~: must be set
stderr~: work factor 12 is too large

### batchpass can't be mixed with other recipients
run: ln -s $AGS age-plugin-batchpass; export PATH=$PWD:$PATH; $AGS keygen -o k.txt 2>/dev/null
run: echo x | AGE_PASSPHRASE=pw $AGS age -e -r "$($AGS keygen -y k.txt)" -j batchpass -a; echo "rc=$?"
stdout: rc=17
stderr~: incompatible recipients

### age-inspect: text output, sizes add up to the file
run: ln -s $AGS age-inspect; $AGS keygen -o k.txt 2>/dev/null; head -c 70000 /dev/zero >in
run: $AGS age -r "$($AGS keygen -y k.txt)" -o f.age in; ./age-inspect f.age >out; cat out | grep -v bytes
run: stat -c 'file %s' f.age; awk '/Total/ {print "total", $2}' out
stdout: f.age is an age file, version "age-encryption.org/v1".
stdout: 
stdout: This file is encrypted to the following recipient types:
stdout:   - "X25519"
stdout: 
stdout: This file does NOT use post-quantum encryption.
stdout: 
stdout: Size breakdown (assuming it decrypts successfully):
stdout: 
stdout:                         -------------------
stdout: 
stdout: Tip: for machine-readable output, use --json.
stdout: file 70216
stdout: total 70216

### age-inspect --json: armored post-quantum file, JSON as Go's encoder writes it
run: $AGS keygen --pq -o k.txt 2>/dev/null; printf 'hello' >in
run: $AGS age -a -r "$($AGS keygen -y k.txt)" -o f.age in; $AGS inspect --json <f.age >j
run: python3 -c 'import json,sys; m=json.load(open("j")); s=m["sizes"]; print(m["postquantum"], m["armor"], m["stanza_types"], s["min_payload"], s["header"]+s["armor"]+s["overhead"]+s["min_payload"]==int(sys.argv[1]))' $(stat -c %s f.age)
run: head -3 j
stdout: yes True ['mlkem768x25519'] 5 True
stdout: {
stdout:     "version": "age-encryption.org/v1",
stdout:     "postquantum": "yes",

### age-inspect: a scrypt file is post-quantum-safe, an empty payload is 0 bytes
run: printf 'pw\npw\n' >tty; script -qec "$AGS age -p -o f.age /dev/null" /dev/null <tty >/dev/null
run: $AGS inspect --json f.age | grep -E '"postquantum"|min_payload'
stdout:     "postquantum": "yes",
stdout:         "min_payload": 0,

### age-inspect: not an age file, a truncated payload
run: echo hello >x; $AGS inspect x; echo "rc=$?"; $AGS keygen -o k.txt 2>/dev/null
run: echo hi | $AGS age -r "$($AGS keygen -y k.txt)" | head -c -20 >t.age; $AGS inspect t.age; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stderr~: inspection failed
stderr~: stream overhead

### ssh-to-age: the recipient of an ssh-ed25519 key (known answer computed independently)
run: echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH9pO5pz22JZEasoS2LEWWvJiUYI9M6l1uZc31FGYMXa c' | $AGS ssh-to-age
stdout: age17l0f64g7cvqqns37e9jzlvcuhkedpzsq5yyjnjzfgulnfdymwguqnmqlp0

### ssh-to-age: identity and recipient of a fresh key agree, and Go age opens a file with them
run: ssh-keygen -q -t ed25519 -N '' -f id; ln -s $AGS ssh-to-age
run: ./ssh-to-age -private-key -i id -o id.age; stat -c %a id.age; ./ssh-to-age -i id.pub -o r.txt
run: [ "$($AGS keygen -y id.age)" = "$(cat r.txt)" ] && echo agree
run: echo hi | age -R r.txt -o m.age && age -d -i id.age m.age
stdout: 600
stdout: agree
stdout: hi

### ssh-to-age: an encrypted key takes SSH_TO_AGE_PASSPHRASE; RSA keys are skipped
run: ssh-keygen -q -t ed25519 -N 'pw' -f id; ssh-keygen -q -t rsa -b 2048 -N '' -f rsa
run: SSH_TO_AGE_PASSPHRASE=pw $AGS ssh-to-age -private-key -i id | cut -c1-16
run: $AGS ssh-to-age -private-key -i id; echo "rc=$?"
run: cat rsa.pub id.pub | $AGS ssh-to-age | cut -c1-4
stdout: AGE-SECRET-KEY-1
stdout: rc=1
stdout: age1
stderr~: passphrase-protected
stderr~: skipped key: unsupported key type: ssh-rsa
