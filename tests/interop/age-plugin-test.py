#!/usr/bin/env python3
"""age-plugin-test: the test plugin Go age's testscript suite uses
(age_test.go), written again for our runner.  recipient-v1 wraps the file
key as one "test" stanza whose body is the file key itself; identity-v1
gives back the body of a lone "test" stanza.  Not a plugin to use for
anything but tests: it protects nothing."""
import base64
import signal
import sys

signal.signal(signal.SIGINT, signal.SIG_DFL)

inp, out = sys.stdin.buffer, sys.stdout.buffer


def b64(data):
    return base64.b64encode(data).rstrip(b"=")


def unb64(line):
    return base64.b64decode(line + b"=" * (-len(line) % 4))


def read_stanza():
    line = inp.readline()
    if not line.startswith(b"-> "):
        sys.exit("age-plugin-test: protocol error: %r" % line)
    args = line[3:].rstrip(b"\n").split(b" ")
    body = b""
    while True:
        chunk = inp.readline().rstrip(b"\n")
        body += unb64(chunk)
        if len(chunk) < 64:
            return args, body


def write_stanza(args, body=b""):
    enc = b64(body)
    lines = [enc[i:i + 64] for i in range(0, len(enc), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append(b"")
    out.write(b"-> " + b" ".join(args) + b"\n" + b"\n".join(lines) + b"\n")
    out.flush()


def phase1():
    got = []
    while True:
        args, body = read_stanza()
        if args[0] == b"done":
            return got
        got.append((args, body))


def main():
    if len(sys.argv) != 2 or not sys.argv[1].startswith("--age-plugin="):
        sys.exit("age-plugin-test: run by age only")
    state = sys.argv[1].split("=", 1)[1]
    cmds = phase1()
    if state == "recipient-v1":
        for args, body in cmds:
            if args[0] == b"wrap-file-key":
                write_stanza([b"recipient-stanza", b"0", b"test"], body)
                read_stanza()  # ok
    elif state == "identity-v1":
        stanzas = [(a[2:], b) for a, b in cmds if a[0] == b"recipient-stanza"]
        if len(stanzas) == 1 and stanzas[0][0][0] == b"test":
            write_stanza([b"file-key", b"0"], stanzas[0][1])
            read_stanza()  # ok
    else:
        sys.exit("age-plugin-test: unknown state " + state)
    write_stanza([b"done"])


main()
