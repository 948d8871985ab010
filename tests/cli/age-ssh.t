# CLI cases for SSH keys and plugins in agesops age (see run.sh for the
# format; exit codes are listed in age.t: 15 no match, 16 unsupported key
# type, 17 bad key, 18 passphrase unavailable, 2 usage, 1 generic).

### ssh-ed25519 round trip with -R and -i; header names the key type
run: ssh-keygen -q -t ed25519 -N '' -f k && echo hi >m && $AGS age -R k.pub -o m.age m && $AGS age -d -i k m.age
run: head -c 200 m.age | grep -ac '^-> ssh-ed25519 '
stdout: hi
stdout: 1

### an ecdsa identity is refused, naming the file and type
run: ssh-keygen -q -t ecdsa -N '' -f ec && ssh-keygen -q -t ed25519 -N '' -f k && echo hi >m && $AGS age -R k.pub -o m.age m && $AGS age -d -i ec m.age
exit: 16
stderr~: ec: unsupported SSH key type "ecdsa-sha2-nistp256"

### a too-small RSA recipient
run: ssh-keygen -q -t rsa -b 1024 -N '' -f r && echo hi | $AGS age -r "$(cat r.pub)" -o x.age
exit: 17
stderr~: RSA key size is too small

### a truncated SSH recipient is a bad key, one line
run: echo hi | $AGS age -r "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==" -o x.age
exit: 17
stderr~: malformed ssh-ed25519 public key

### the wrong SSH key: no identity matched
run: ssh-keygen -q -t ed25519 -N '' -f a && ssh-keygen -q -t ed25519 -N '' -f b && echo hi >m && $AGS age -R a.pub -o m.age m && $AGS age -d -i b m.age
exit: 15
stderr~: no identity matched

### a passphrase-protected key without a terminal: clear error, only when its stanza is present
run: ssh-keygen -q -t ed25519 -N pw -f e && echo hi >m && $AGS age -R e.pub -o m.age m && $AGS age -d -i e m.age
exit: 18
stderr~: could not read passphrase

### a garbage private key file
run: printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n' >bad && echo x >m.age && $AGS age -d -i bad m.age
exit: 17
stderr~: bad: .*openssh-key-v1

### -j with an invalid plugin name
run: echo x >m.age && $AGS age -d -j ../evil m.age
exit: 17
stderr~: invalid plugin name

### a plugin that is not installed
run: echo hi | PATH=/nonexistent $AGS age -e -j nosuchplugin -o x.age
exit: 1
stderr~: age-plugin-nosuchplugin" not found in PATH

### invoked as age: every error exits 1
run: ln -s "$AGS" age && ssh-keygen -q -t ed25519 -N '' -f a && ssh-keygen -q -t ed25519 -N '' -f b && echo hi >m && ./age -R a.pub -o m.age m && ./age -d -i b m.age
exit: 1
stderr~: no identity matched

### -e -i with an SSH private key encrypts to its public key (a passphrase-protected one needs no passphrase)
run: ssh-keygen -q -t ed25519 -N '' -f k && ssh-keygen -q -t ed25519 -N pw -f e && echo hi >m && $AGS age -e -i k -i e -o m.age m && $AGS age -d -i k m.age
run: head -c 400 m.age | grep -ac '^-> ssh-ed25519 '
stdout: hi
stdout: 2

### authorized_keys options and comments in a recipients file; ecdsa lines skipped
run: ssh-keygen -q -t ed25519 -N '' -f k && ssh-keygen -q -t ecdsa -N '' -f ec && { echo '# keys'; echo "no-pty,command=\"a b\" $(cat k.pub)"; cat ec.pub; } >ak && echo hi >m && $AGS age -R ak -o m.age m && $AGS age -d -i k m.age
stdout: hi

### a recipients file with only unsupported SSH keys has no recipients
run: ssh-keygen -q -t ecdsa -N '' -f ec && echo hi | $AGS age -R ec.pub -o m.age
exit: 17
stderr~: no recipients found
