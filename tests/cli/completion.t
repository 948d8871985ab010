# Shell completions generated from the command table: every command,
# subcommand and flag that the help pages list is completed by bash, zsh and
# fish, and the scripts actually complete (bash and fish run them; zsh runs
# them with _arguments/_describe stubbed, as zsh needs a terminal otherwise).

### every command and every flag of the help pages is in the bash, zsh and fish completions
run: $AGS completion bash >c.bash && $AGS completion zsh >_agesops && $AGS completion fish >c.fish || echo "generation failed"
run: bash -n c.bash && zsh -n _agesops && fish -n c.fish || echo "syntax"
run: cmds=$($AGS --help | sed -n 's/^  \([a-z-]*\)  .*/\1/p'); paths=""
run: for c in $cmds; do paths+="$c"$'\n'; for s in $($AGS help $c | sed -n '/^subcommands:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do paths+="$c $s"$'\n'; done; done
run: n=0; while IFS= read -r p; do [ -n "$p" ] || continue
run:   set -- $p; top=$1 sub=${2:-}
run:   if [ -z "$sub" ]; then
run:     bash -c 'source c.bash; _agesops_subs ""' | grep -qw -- "$top" || echo "bash: no command $top"
run:     grep -q "'$top:" _agesops || echo "zsh: no command $top"
run:     grep -q "^complete -c agesops -n __fish_use_subcommand -a $top " c.fish || echo "fish: no command $top"
run:   else
run:     bash -c "source c.bash; _agesops_subs '$top'" | grep -qw -- "$sub" || echo "bash: no $p"
run:     grep -q "'$sub:" _agesops || echo "zsh: no $p"
run:     grep -q "__fish_seen_subcommand_from $top; and not .* -a $sub " c.fish || echo "fish: no $p"
run:   fi
run:   $AGS help $p | grep -q '^subcommands:' && continue
run:   zblock=$(awk -v p="\"$p\")" '{l = $0; sub(/^\t/, "", l)} l == p {on = 1; next} on && /^\t"/ {exit} on' _agesops)
run:   if [ -n "$sub" ]; then fcond="__fish_seen_subcommand_from $top; and __fish_seen_subcommand_from $sub'"; else fcond="__fish_seen_subcommand_from $top'"; fi
run:   for f in $($AGS help $p | sed -n '/^options/,/^$/p' | grep -oE '^ +(-[a-zA-Z0-9], )?--[a-z0-9-]+|^  -[a-zA-Z0-9]( |$)' | grep -oE -- '--[a-z0-9-]+|-[a-zA-Z0-9]$|-[a-zA-Z0-9] $' | tr -d ' '); do
run:     n=$((n + 1))
run:     bash -c "source c.bash; _agesops_flags '$p'" | grep -qE -- "(^| )$f( |\$)" || echo "bash: $p $f"
run:     grep -qE -- "'\*?$f(=|\[)" <<<"$zblock" || echo "zsh: $p $f"
run:     case $f in --*) ff="-l ${f#--}( |\$)" ;; *) ff="-s ${f#-}( |\$)" ;; esac
run:     grep -F -- "$fcond" c.fish | grep -qE -- "$ff" || echo "fish: $p $f"
run:   done
run: done <<<"$paths"; [ $n -gt 250 ] && echo "flags checked"; echo $n >&2
stdout: flags checked

### bash completes commands, subcommands, flags, file arguments and --input-type values
run: $AGS completion bash >c.bash; touch secret.yaml
run: t() { bash -c 'source ./c.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); "$F"; echo "${COMPREPLY[*]}"' _ "$@"; }
run: F=_agesops t agesops enc; F=_agesops t agesops secret g; F=_agesops t agesops encrypt --input-t
run: F=_agesops t agesops encrypt --input-type ""; F=_agesops t agesops decrypt --output-type=j
run: F=_agesops t agesops encrypt --age age1x secr; F=_agesops t agesops kube install-key --rep
run: F=_agesops_sops t sops dec; F=_agesops_sops t sops decrypt --ext; F=_agesops_age t age --recipients
run: F=_agesops_age_keygen t age-keygen --p
stdout: encrypt
stdout: git generic
stdout: --input-type
stdout: yaml json dotenv ini binary
stdout: --output-type=json
stdout: secret.yaml
stdout: --replace
stdout: decrypt
stdout: --extract
stdout: --recipients-file
stdout: --pq

### fish completes from the same table
run: $AGS completion fish >c.fish
run: fish -c 'source c.fish; complete -C "agesops enc"; complete -C "agesops encrypt --input-type "; complete -C "sops dec"; complete -C "agesops secret git --ssh-key-a"' | cut -f1
stdout: encrypt
stdout: binary
stdout: dotenv
stdout: ini
stdout: json
stdout: yaml
stdout: decrypt
stdout: --ssh-key-algorithm

### zsh offers the commands, then the command's flags with the store names for --input-type
run: $AGS completion zsh >_agesops
run: cat >stub.zsh <<'Z'
run: _describe() { print -l -- ${(P)2} }; _arguments() { print -l -- "$@" }
run: service=agesops; words=(agesops en); CURRENT=2; source ./_agesops | grep '^encrypt:'
run: words=(agesops encrypt --input-type ''); CURRENT=4; source ./_agesops | grep -- '^--input-type='
run: words=(agesops secret ''); CURRENT=3; source ./_agesops | cut -d: -f1 | tr '\n' ' '; echo
run: service=sops; words=(sops ''); CURRENT=2; source ./_agesops | grep -c '^secret:' || true
run: Z
run: zsh -f stub.zsh
stdout: encrypt:encrypt a YAML/JSON/dotenv/INI/binary file with SOPS
stdout: --input-type=[store of the input  yaml, json, dotenv, ini or binary (default  from the file name)]:TYPE:(yaml json dotenv ini binary)
stdout: git proxmox generic age-key 
stdout: 0

### completion of an unknown shell fails
run: $AGS completion tcsh
exit: 1
stderr~: usage: agesops completion bash\|zsh\|fish
