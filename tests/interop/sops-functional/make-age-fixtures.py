#!/usr/bin/env python3
"""
Regenerates tests/data/sops-functional/age/ from res/: each of Go sops' PGP
encrypted files gets an age key entry beside every pgp entry, wrapping the
same data key (opened with gpg and the functional tests' PGP key).  Values,
comments and MACs stay byte for byte as Go wrote them, so the age run of the
functional tests decrypts Go's own ciphertexts until agesops speaks PGP.

    make-age-fixtures.py AGESOPS_BINARY      (needs gpg)

Not run by the test suite: its output is committed.
"""
import json, os, re, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "..", "data", "sops-functional")
agesops = os.path.abspath(sys.argv[1])
keys = json.load(open(os.path.join(data, "age", "keys.json")))  # pgp fp -> age key


def recipient(fp):
    return keys[fp]["recipient"]


def wrap(datakey, fp):
    out = subprocess.run([agesops, "age", "-e", "-a", "-r", recipient(fp)], input=datakey,
                         capture_output=True, check=True)
    return out.stdout.decode()


def pgp_entries(text):
    """(fingerprint, armored PGP message) of every pgp entry, in order."""
    msgs = re.findall(r"-----BEGIN PGP MESSAGE-----.*?-----END PGP MESSAGE-----", text, re.S)
    fps = re.findall(r"\b([0-9A-F]{40})\b", text)
    assert len(msgs) == len(fps), (len(msgs), len(fps))
    return [(fp, m.replace("\\n", "\n")) for fp, m in zip(fps, msgs)]


def open_key(gnupghome, armored):
    r = subprocess.run(["gpg", "--homedir", gnupghome, "--batch", "--quiet", "--decrypt"],
                       input=armored.encode() + b"\n", capture_output=True)
    return r.stdout if r.returncode == 0 and len(r.stdout) == 32 else None


def add_yaml(text, entries):
    lines = text.split("\n")
    top = lines.index("sops:")
    ci = re.match(r"\s*", lines[top + 1]).group(0)
    lines = [l for l in lines if l != ci + "age: []"]
    at = next(i for i in range(top, len(lines)) if lines[i] == ci + "pgp:")
    si = re.match(r"\s*", lines[at + 1]).group(0)[len(ci):]
    block = [ci + "age:"]
    for rcp, enc in entries:
        block.append(f"{ci}{si}- recipient: {rcp}")
        block.append(f"{ci}{si}  enc: |")
        block += [f"{ci}{si}    {l}" for l in enc.rstrip("\n").split("\n")]
    return "\n".join(lines[:at] + block + lines[at:])


def add_json(text, entries):
    age = json.dumps([{"recipient": r, "enc": e} for r, e in entries])
    return text.replace('"sops": {', '"sops": {\n\t\t"age": ' + age + ",", 1)


def add_flat(text, entries, prefix, sep):
    esc = lambda s: s.replace("\n", "\\n")
    add = []
    for i, (rcp, enc) in enumerate(entries):
        add.append(f"{prefix}age__list_{i}__map_enc{sep}{esc(enc)}")
        add.append(f"{prefix}age__list_{i}__map_recipient{sep}{rcp}")
    lines = text.split("\n")
    at = next(i for i, l in enumerate(lines) if l.startswith(prefix + "lastmodified"))
    return "\n".join(lines[:at] + add + lines[at:])


def main():
    with tempfile.TemporaryDirectory() as home:
        subprocess.run(["gpg", "--homedir", home, "--batch", "--quiet", "--import",
                        os.path.join(data, "sops_functional_tests_key.asc")], check=True,
                       capture_output=True)
        for name in sorted(os.listdir(os.path.join(data, "res"))):
            text = open(os.path.join(data, "res", name)).read()
            entries = []
            for fp, msg in pgp_entries(text):
                key = open_key(home, msg)
                if key is None:
                    sys.exit(f"{name}: cannot open the pgp entry for {fp}")
                entries.append((recipient(fp), wrap(key, fp)))
            if not entries:
                continue
            if name.endswith(".yaml"):
                out = add_yaml(text, entries)
            elif name.endswith(".json"):
                out = add_json(text, entries)
            elif name.endswith(".ini"):
                out = add_flat(text, entries, "", " = ")
            else:
                out = add_flat(text, entries, "sops_", "=")
            open(os.path.join(data, "age", name), "w").write(out)
            print(f"{name}: {len(entries)} age entr{'y' if len(entries) == 1 else 'ies'}")


main()
