#!/usr/bin/env zsh -f
# Drives zsh's completion the way a person does, for tests/install.rs:
#
#   zsh -f tests/complete-zsh.zsh DIR LINE...
#
# DIR holds the completion function (`_oms-preflight`). An interactive zsh in a pseudo-terminal
# (zsh/zpty) loads it with compinit; for each LINE it types the line and TAB. `compadd`, wrapped,
# prints each candidate it is handed that matches what was typed; after the completion a function
# in comppostfuncs prints a marker. The output is `== LINE`, then one candidate a line.
zmodload zsh/zpty || exit 2
dir=$1; shift

zpty shell zsh -f -i
# Markers are typed apart (@@'hit'@@) so the terminal's echo of the input never contains them.
zpty -w shell "PS1='' PROMPT='' RPROMPT='' LISTMAX=100000"
zpty -w shell "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w shell "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' select-prompt ''"
zpty -w shell "bindkey '^I' complete-word"
zpty -w shell 'compadd() {
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
    local -a __hits; builtin compadd -A __hits "$@"; local ret=$?
    (( $#__hits )) && print -rl -- "@@"hit"@@"${^__hits}
    builtin compadd "$@"; return ret
}'
zpty -w shell 'finished() { print -r -- "@@"done"@@" }'
zpty -w shell 'print -r -- "@@"ready"@@"'
zpty -r shell out '*@@ready@@*' || exit 3

for line in "$@"; do
    zpty -w shell 'comppostfuncs=(finished)'
    zpty -w -n shell "$line"$'\t'
    out=''
    zpty -r shell out '*@@done@@*' || exit 4
    print -r -- "== $line"
    for l in ${(f)out}; do
        l=${l//$'\r'/}
        [[ $l == *@@hit@@* ]] && print -r -- ${l##*@@hit@@}
    done
    # Kill the line, and wait for the shell to be ready for the next one.
    zpty -w -n shell $'\x15'
    zpty -w shell 'print -r -- "@@"ready"@@"'
    zpty -r shell out '*@@ready@@*' || exit 5
done
zpty -d shell
