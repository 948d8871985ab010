# Shared helpers for the age-ssh / age-plugin interop scripts (sourced).

: "${AGS_BIN:?AGS_BIN not set}"
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# pty_run PASSPHRASE CMD...: runs CMD on a fresh pseudo-terminal (so that
# both Go age and agesops read the passphrase from it), typing PASSPHRASE
# at every passphrase prompt.  Output goes to stderr; exit status is CMD's.
pty_run() {
	python3 - "$@" <<'PY'
import os, pty, select, sys, time
pw = sys.argv[1].encode()
cmd = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
buf = b""
answered = 0
deadline = time.time() + 120
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.stderr.write("pty_run: timeout\n")
        sys.exit(124)
    r, _, _ = select.select([fd], [], [], 0.5)
    if fd not in r:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    buf += data
    sys.stderr.buffer.write(data)
    sys.stderr.flush()
    low = buf.lower()
    # a prompt ends with ':' after the word passphrase
    prompts = low.count(b"passphrase") + low.count(b"pin")
    errors = low.count(b"incorrect passphrase") + low.count(b"error")
    if prompts - errors > answered and low.rstrip().endswith(b":"):
        time.sleep(0.05)
        try:
            os.write(fd, pw + b"\n")
        except OSError:
            pass
        answered += 1
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
