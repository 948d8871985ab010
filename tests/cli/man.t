# Man pages (docs/man/*.scd, command sections printed from the command
# table): they render without groff warnings and name every command and flag.

### every man page renders with man --warnings silent
run: mkdir man1 && cp "$AGS_BUILD_ROOT"/docs/man/*.1 man1/ && ls man1 | wc -l
run: for f in man1/*.1; do w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null); [ -z "$w" ] || echo "$f: $w"; done
stdout: 14

### the drop-in names' pages point at the command pages
run: cd "$AGS_BUILD_ROOT/docs/man" && cat sops.1 age.1 age-keygen.1 age-inspect.1 ssh-to-age.1
stdout: .so man1/agesops-sops.1
stdout: .so man1/agesops-age.1
stdout: .so man1/agesops-keygen.1
stdout: .so man1/agesops-age.1
stdout: .so man1/agesops-age.1

### every command, subcommand and flag of the help pages is in a man page
run: cd "$AGS_BUILD_ROOT/docs/man"; for f in agesops*.1; do MANWIDTH=200 man -l "$f" 2>/dev/null; done >all.txt
run: for c in $($AGS --help | sed -n 's/^  \([a-z-]*\)  .*/\1/p'); do grep -q "agesops $c" all.txt || echo "no $c"
run:   for s in $($AGS help $c | sed -n '/^subcommands:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do grep -q "agesops $c $s" all.txt || echo "no $c $s"
run:     for f in $($AGS help $c $s | grep -oE '^ +(-[a-zA-Z0-9], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do grep -q -- "$f" all.txt || echo "no $c $s $f"; done; done
run:   for f in $($AGS help $c | sed -n '/^options/,/^$/p' | grep -oE '^ +(-[a-zA-Z0-9], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do grep -q -- "$f" all.txt || echo "no $c $f"; done
run: done; rm all.txt; echo done
stdout: done
