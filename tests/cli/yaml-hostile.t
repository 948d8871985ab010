# Hostile YAML (issue 14 item 5): alias bombs, recursive aliases and deep
# nesting fail with one clear error in bounded time and memory, and a load
# failure is never taken as an empty document.  Files: tests/data/hostile.
# Memory is capped with ulimit -v (not under ASan, which reserves more).
# A .sops.yaml that cannot be loaded exits 1, as Go's encrypt does (its
# keyGroups error goes through toExitError: ErrorGeneric).

### .sops.yaml alias bomb: "excessive aliasing", not gigabytes
run: cp $AGS_DATA/hostile/alias-bomb.sops.yaml .sops.yaml; printf 'a: b\n' >s.yaml
run: [ -n "${AGS_SANITIZE:-}" ] || ulimit -v 600000; timeout 60 $AGS encrypt s.yaml
exit: 1
stderr~: \.sops\.yaml: document contains excessive aliasing
stderr!: no keys provided

### .sops.yaml bomb made of mappings
run: cp $AGS_DATA/hostile/alias-bomb-nested-map.sops.yaml .sops.yaml; printf 'a: b\n' >s.yaml
run: [ -n "${AGS_SANITIZE:-}" ] || ulimit -v 600000; timeout 60 $AGS encrypt s.yaml
exit: 1
stderr~: excessive aliasing

### .sops.yaml alias inside its own anchor
run: cp $AGS_DATA/hostile/alias-recursive.sops.yaml .sops.yaml; printf 'a: b\n' >s.yaml; timeout 60 $AGS encrypt s.yaml
exit: 1
stderr~: \.sops\.yaml: .*(aliasing|cyclic)

### .sops.yaml nested 100,000 deep
run: cp $AGS_DATA/hostile/deep-nesting.sops.yaml .sops.yaml; printf 'a: b\n' >s.yaml; timeout 60 $AGS encrypt s.yaml
exit: 1
stderr~: \.sops\.yaml:.*depth

### data file alias bomb
run: cp $AGS_DATA/hostile/alias-bomb.yaml b.yaml
run: [ -n "${AGS_SANITIZE:-}" ] || ulimit -v 600000; timeout 60 $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 b.yaml
exit: 2
stderr~: b\.yaml: line [0-9]+: aliases expand to too much data

### data file nested 100,000 deep
run: cp $AGS_DATA/hostile/deep-nesting.yaml d.yaml; timeout 60 $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 d.yaml
exit: 2
stderr~: d\.yaml: .*(deep|depth)

### an empty .sops.yaml is no rules, not an error
run: : >.sops.yaml; printf 'a: b\n' >s.yaml; $AGS encrypt s.yaml
exit: 1
stderr~: no keys provided through command line options

### a .sops.yaml of comments and markers is no rules too
run: printf '# nothing\n---\n...\n' >.sops.yaml; printf 'a: b\n' >s.yaml; $AGS encrypt s.yaml
exit: 1
stderr~: no keys provided through command line options

### a tab before a block indicator inside an explicit key: one line, never libfyaml's double free
# libfyaml 0.7.12 frees a simple key twice on this error (lib/yaml/fyaml_guard.c);
# the input is refused before libfyaml sees it
run: printf 'a: 1\n? s:\t- x\n' >t.yaml; $AGS encrypt --age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 t.yaml
exit: 2
stderr~: t\.yaml: line 2, column 5: a tab cannot indent a block indicator \(use spaces\)

### the same in .sops.yaml names the file, line and column
run: printf 'creation_rules:\n  - age: x\n? k:\t|\n  a\n' >.sops.yaml; printf 'a: b\n' >s.yaml; $AGS encrypt s.yaml
exit: 1
stderr~: \.sops\.yaml:3:5: a tab cannot indent a block indicator

### check reports such a manifest as unparsable, on its line
run: printf 'kind: Secret\n? [s]:\t:\n' >c.yaml; $AGS check c.yaml
exit: 1
stdout~: c\.yaml:2: cannot parse as YAML
