# CLI cases for agesops age / keygen (see run.sh for the format).
# Exit codes of "agesops age": 11 bad header, 12 header MAC, 13 payload,
# 14 armor, 15 no identity matched, 16 unsupported key type, 17 bad key,
# 18 passphrase unavailable, 2 usage.  Invoked as "age": always 1.

### keygen writes the age-keygen layout, mode 0600, public key on stderr
run: $AGS keygen -o k.txt && stat -c %a k.txt && sed -n 1p k.txt | grep -cE '^# created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$'
run: sed -n 2p k.txt | grep -cE '^# public key: age1[02-9ac-hj-np-z]{58}$'; sed -n 3p k.txt | grep -cE '^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$'; wc -l <k.txt
stdout: 600
stdout: 1
stdout: 1
stdout: 1
stdout: 3
stderr~: ^Public key: age1[a-z0-9]{58}$

### keygen refuses to overwrite
run: echo keep >k.txt; $AGS keygen -o k.txt; echo "rc=$?"; cat k.txt
stdout: rc=1
stdout: keep
stderr~: failed to open output file "k.txt".*exists

### keygen -y prints the recipient, same as the public key comment
run: $AGS keygen -o k.txt 2>/dev/null; $AGS keygen -y k.txt >r.txt; grep -q "^# public key: $(cat r.txt)$" k.txt && echo same
stdout: same

### keygen -y rejects a malformed identity file with the line number
run: printf '# c\nAGE-SECRET-KEY-1BAD\n' >k.txt; $AGS keygen -y k.txt
exit: 1
stderr~: k.txt: line 2

### encrypt and decrypt round trip (armored and binary, stdin and files)
run: $AGS keygen -o k.txt 2>/dev/null; R=$($AGS keygen -y k.txt); echo "hello age" | $AGS age -a -r "$R" >m.asc
run: head -1 m.asc; $AGS age -d -i k.txt m.asc; $AGS age -r "$R" -o m.age m.asc && $AGS age -d -i k.txt -o - m.age | head -1
stdout: -----BEGIN AGE ENCRYPTED FILE-----
stdout: hello age
stdout: -----BEGIN AGE ENCRYPTED FILE-----

### bad header
run: printf 'age-encryption.org/v2\n' >x.age; $AGS keygen -o k.txt 2>/dev/null; $AGS age -d -i k.txt x.age
exit: 11
stderr~: ^agesops: error: x.age: bad header: 
stdout!: .

### wrong key: no identity matched
run: $AGS keygen -o a.txt 2>/dev/null; $AGS keygen -o b.txt 2>/dev/null; echo hi | $AGS age -r $($AGS keygen -y a.txt) >m.age
run: $AGS age -d -i b.txt m.age
exit: 15
stderr~: no identity matched any of the recipients
stdout!: .

### tampered payload: nothing unauthenticated is printed
run: $AGS keygen -o k.txt 2>/dev/null; echo "secret text" | $AGS age -r $($AGS keygen -y k.txt) >m.age
run: python3 -c "import sys; b=bytearray(open('m.age','rb').read()); b[-3]^=1; open('m.age','wb').write(b)"
run: $AGS age -d -i k.txt m.age
exit: 13
stderr~: tampered or truncated payload
stdout!: .

### tampered header (a stanza added): bad header MAC
run: $AGS keygen -o k.txt 2>/dev/null; echo hi | $AGS age -r $($AGS keygen -y k.txt) >m.age
run: python3 -c "b=open('m.age','rb').read(); open('m.age','wb').write(b.replace(b'v1\n', b'v1\n-> grease\n\n', 1))"
run: grep -c '^-> grease$' m.age; $AGS age -d -i k.txt m.age
exit: 12
stdout: 1
stderr~: wrong key or tampered header: bad header MAC

### truncated file: payload error, and -o leaves no file behind
run: $AGS keygen -o k.txt 2>/dev/null; head -c 100000 /dev/zero | $AGS age -r $($AGS keygen -y k.txt) >m.age
run: head -c 70000 m.age >t.age; $AGS age -d -i k.txt -o out.bin t.age; echo "rc=$?"; ls
stdout: rc=13
stdout: k.txt
stdout: m.age
stdout: t.age
stderr~: t.age: tampered or truncated payload

### bad armor
run: $AGS keygen -o k.txt 2>/dev/null; echo hi | $AGS age -a -r $($AGS keygen -y k.txt) >m.asc
run: sed -i '2s/$/ /' m.asc; $AGS age -d -i k.txt m.asc
exit: 14
stderr~: bad armor: invalid armor

### CCTV vector through the CLI: armor_garbage_trailing is an armor failure
run: sed '1,/^$/d' $DATA/vectors/age/armor_garbage_trailing >v.asc; grep '^identity: ' $DATA/vectors/age/armor_garbage_trailing | cut -d' ' -f2 >k.txt
run: $AGS age -d -i k.txt v.asc
exit: 14

### CCTV vector through the CLI: hmac_bad
run: sed '1,/^$/d' $DATA/vectors/age/hmac_bad >v.age; grep '^identity: ' $DATA/vectors/age/hmac_bad | cut -d' ' -f2 >k.txt
run: $AGS age -d -i k.txt v.age
exit: 12

### malformed recipient
run: echo hi | $AGS age -r age1qqqq
exit: 17
stderr~: malformed recipient

### passphrase without a terminal is refused
run: echo hi | setsid $AGS age -p -o m.age
exit: 18
stderr~: not a terminal

### decrypting a passphrase file without a terminal is refused
run: sed '1,/^$/d' $DATA/vectors/age/scrypt >s.age; setsid $AGS age -d -o out s.age; echo "rc=$?"; ls
stdout: rc=18
stdout: s.age
stderr~: could not read passphrase: standard input is not a terminal

### decrypting a passphrase file with -i says so
run: $AGS keygen -o k.txt 2>/dev/null; sed '1,/^$/d' $DATA/vectors/age/scrypt >s.age; $AGS age -d -i k.txt s.age
exit: 18
stderr~: passphrase-encrypted but identities were specified

### usage: -r with -d
run: $AGS age -d -r age1x
exit: 2
stderr~: -r/--recipient can't be used with -d/--decrypt

### usage: no recipients
run: echo hi | $AGS age -a
exit: 2
stderr~: missing recipients

### usage: input must come after the flags
run: $AGS age -d in.age -o out
exit: 2
stderr~: too many INPUT arguments

### invoked as age: Go's exit code 1 and "age:" prefix
run: ln -s $AGS age; ./age -d -r age1x; echo "rc=$?"; ./age -d nonexistent; echo "rc=$?"
stdout: rc=1
stdout: rc=1
stderr~: ^age: error: -r/--recipient
stderr~: ^age: error: failed to open input file "nonexistent"

### invoked as age-keygen
run: ln -s $AGS age-keygen; ./age-keygen -o k.txt; ./age-keygen -y k.txt | grep -c '^age1'
stdout: 1
stderr~: ^Public key: age1

### -o writes through a symlink, and a failed decryption leaves the old file untouched
run: $AGS keygen -o k.txt 2>/dev/null; echo keep >real; chmod 640 real; ln -s real link
run: echo hello | $AGS age -r $($AGS keygen -y k.txt) -o link; test -L link && stat -c %a real
run: python3 -c "b=bytearray(open('real','rb').read()); b[-1]^=1; open('bad.age','wb').write(b)"
run: $AGS age -d -i k.txt -o real bad.age; echo "rc=$?"; $AGS age -d -i k.txt link
stdout: 640
stdout: rc=13
stdout: hello

### a full output names the output, not the input (issue #14): a device, and standard output
run: $AGS keygen -o k.txt 2>/dev/null; head -c 200000 /dev/urandom > secret-in.bin
run: $AGS age -r $($AGS keygen -y k.txt) -o /dev/full secret-in.bin; echo "rc=$?"
run: $AGS age -r $($AGS keygen -y k.txt) secret-in.bin > /dev/full; echo "rc=$?" >&2
run: $AGS age -r $($AGS keygen -y k.txt) -o ok.age secret-in.bin && $AGS age -d -i k.txt ok.age > /dev/full
exit: 1
stdout: rc=1
stderr~: ^agesops: error: failed to write output file "/dev/full": No space left on device$
stderr~: ^agesops: error: failed to write to standard output: No space left on device$
stderr~: ^rc=1$
stderr!: secret-in
