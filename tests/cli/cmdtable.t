# The command table (src/commands*.c): argv[0] dispatch, "agesops sops|age|
# age-keygen ...", and help pages printed from the table.

### versioned release names run the drop-in programs
run: for n in sops-v3.13.2.linux.amd64 sops-3.13 sops_v3.13.2; do ln -s "$AGS" $n; ./$n --version; done | sed 's/[0-9][0-9.]*/N/g'
run: for n in age-v1.3.1 age-keygen-v1.3.1 age-keygen-1.3; do ln -s "$AGS" $n; ./$n --version; done | sed 's/[0-9][0-9.]*/N/g'
stdout: sops N (agesops N)
stdout: sops N (agesops N)
stdout: sops N (agesops N)
stdout: vN+agesops.N
stdout: vN+agesops.N
stdout: vN+agesops.N

### a versioned age is age: Go's exit code 1 and the "age:" prefix
run: ln -s "$AGS" age-v1.3.1; ./age-v1.3.1 -d -r age1x; echo "rc=$?"
stdout: rc=1
stderr~: ^age: error: -r/--recipient

### versioned age-keygen and age round-trip a file
run: ln -s "$AGS" age-keygen-v1.3.1; ln -s "$AGS" age-v1.3.1
run: ./age-keygen-v1.3.1 -o k.txt 2>/dev/null && echo hello >m && ./age-v1.3.1 -r "$(./age-keygen-v1.3.1 -y k.txt)" -o m.age m && ./age-v1.3.1 -d -i k.txt m.age
stdout: hello

### names that only start like a drop-in are agesops
run: for n in sopsfile agesops-x age-tool sops-latest; do ln -s "$AGS" $n; ./$n >/dev/null 2>&1; echo "$n $?"; ./$n version | sed 's/[0-9][0-9.]*/N/g'; done
stdout: sopsfile 1
stdout: agesops N
stdout: agesops-x 1
stdout: agesops N
stdout: age-tool 1
stdout: agesops N
stdout: sops-latest 1
stdout: agesops N

### agesops sops ... is the sops program (its usage, its --version, its legacy forms)
run: ln -s "$AGS" sops; [ "$($AGS sops --version)" = "$(./sops --version)" ] && echo same-version
run: $AGS age-keygen -o k.txt 2>/dev/null; R=$($AGS age-keygen -y k.txt); export SOPS_AGE_KEY_FILE=$PWD/k.txt
run: printf 'a: 1\n' >p.yaml; $AGS sops -e --age "$R" p.yaml >e.yaml && $AGS sops -d e.yaml && ./sops decrypt e.yaml
stdout: same-version
stdout: a: 1
stdout: a: 1
stderr!: .

### agesops age-keygen behaves as age-keygen (its own text for -h, the drop-in's flags)
run: $AGS age-keygen -h 2>&1 | head -1; $AGS age-keygen --bogus; echo "rc=$?"
stdout: Usage:
stdout: rc=2
stderr~: ^flag provided but not defined: --bogus$

### agesops --help lists every command of the table, and help CMD is CMD --help for each
run: $AGS --help >list; sed -n 's/^  \([a-z-]*\)  .*/\1/p' list >cmds; wc -l <cmds
run: for c in $(cat cmds); do [ "$c" = version ] || [ "$c" = help ] && continue
run:   $AGS help $c >a 2>&1 || echo "help $c failed"; $AGS $c --help >b 2>&1 || echo "$c --help failed"
run:   cmp -s a b || echo "differ: $c"; grep -q "^usage: agesops $c" a || echo "no usage: $c"
run:   grep -q "^example:" a || echo "no example: $c"; grep -q "^options" a || echo "no options: $c"
run:   for s in $(sed -n '/^subcommands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' a); do
run:     $AGS help $c $s >sa 2>&1 || echo "help $c $s failed"; $AGS $c $s --help >sb 2>&1 || echo "$c $s --help failed"
run:     cmp -s sa sb || echo "differ: $c $s"; grep -q "^usage: agesops $c $s" sa || echo "no usage: $c $s"
run:   done
run: done; echo checked
stdout: 21
stdout: checked

### every help page gives one line of meaning per flag and names environment variables where read
run: $AGS help encrypt | grep -E '^  -a, --age RECIPIENTS +age recipients' | wc -l
run: $AGS help decrypt | grep -cE '^  SOPS_AGE_KEY_FILE +'
run: $AGS help cluster init | grep -cE '^  GIT_TOKEN +'
run: $AGS help kube | grep -c 'exit codes: 0 ok, 75'
stdout: 1
stdout: 1
stdout: 1
stdout: 1

### help for a command that does not exist fails with one line
run: $AGS help nope
exit: 1
stderr~: ^agesops: error: help: no command 'nope'

### a bad flag prints the short usage from the table on stderr
run: $AGS check --bogus
exit: 1
stderr~: ^usage: agesops check \[--no-mac\]
stderr~: See 'agesops check --help'

### drop-in sops under a versioned name keeps sops' messages
run: ln -s "$AGS" sops-v3.13.2; ./sops-v3.13.2 keyservice
exit: 1
stderr~: ^sops: error: 'keyservice' is not supported
