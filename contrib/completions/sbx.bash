# bash completion for sbx(1). Installed as
# $datadir/bash-completion/completions/sbx (loaded on demand).

_sbx_profiles() {
    local dir f
    local -a names=(default cli browser)  # the built-in profiles
    for dir in "${XDG_CONFIG_HOME:-$HOME/.config}/sbx/profiles" /etc/sbx/profiles \
        /usr/local/share/sbx/profiles /usr/share/sbx/profiles; do
        for f in "$dir"/*.toml; do
            [ -e "$f" ] || continue
            f=${f##*/}
            names+=("${f%.toml}")
        done
    done
    printf '%s\n' "${names[@]}" | sort -u
}

_sbx() {
    local cur prev i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    # After the command (the first word that is not an option or an
    # option's value, or anything after --): complete as that command.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --) ((i++)); break ;;
        -p | --profile | --bind | --ro-bind | --tmpfs | --setenv | --unsetenv | --chdir | --hostname | --export-seccomp)
            ((i++)) ;;
        -*) ;;
        *) break ;;
        esac
    done
    if ((i < COMP_CWORD)); then
        _command_offset "$i"
        return
    fi

    case $prev in
    -p | --profile)
        if [[ $cur == */* ]]; then
            compopt -o filenames
            COMPREPLY=($(compgen -f -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_sbx_profiles)" -- "$cur"))
        fi
        return ;;
    --bind | --ro-bind | --export-seccomp)
        compopt -o filenames
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --unsetenv)
        COMPREPLY=($(compgen -e -- "$cur"))
        return ;;
    --tmpfs | --setenv | --chdir | --hostname)
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-p --profile --bind --ro-bind --tmpfs --setenv --unsetenv --chdir
            --hostname --share-net --unsafe -v --verbose --dry-run --print-bwrap-args --pty --no-pty
            --export-seccomp -h --help --version --" -- "$cur"))
    else
        COMPREPLY=($(compgen -c -- "$cur"))
    fi
}
complete -F _sbx sbx
