#!/usr/bin/env python3
"""Runs a command on a fresh pseudo-terminal and answers its passphrase
prompts (age reads passphrases from /dev/tty, so pipes cannot feed them).

usage: age-pty.py PASSPHRASE CMD [ARGS...]
Every prompt containing "passphrase" and ending in ":" gets PASSPHRASE and
a newline.  Exits with the command's exit status; the terminal transcript
goes to stderr (prompts only: data must go through files, -o and INPUT)."""
import os, pty, sys, time

def main():
    passphrase = sys.argv[1].encode()
    cmd = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    pending = b""
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        pending += data
        sys.stderr.buffer.write(data)
        if b"passphrase" in pending.lower() and pending.rstrip().endswith(b":"):
            os.write(fd, passphrase + b"\n")
            pending = b""
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))

main()
