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
