# bash completion for sbx(1). Installed as
# $datadir/bash-completion/completions/sbx (loaded on demand).

# The names sbx itself finds (its profile folders, then the built-in ones).
_sbx_profiles() {
    "${COMP_WORDS[0]}" --list-profiles 2>/dev/null || printf '%s\n' default cli browser
}

# sbx desktop install|remove|list
_sbx_desktop() {
    local cur=$1 prev=$2 sub=${COMP_WORDS[2]}
    if ((COMP_CWORD == 2)); then
        COMPREPLY=($(compgen -W "install remove list --help" -- "$cur"))
        return
    fi
    case $prev in
    -p | --profile)
        COMPREPLY=($(compgen -W "$(_sbx_profiles)" -- "$cur"))
        return ;;
    esac
    if [[ $cur == -* ]]; then
        [ "$sub" = install ] && COMPREPLY=($(compgen -W "-p --profile --force --help" -- "$cur"))
        return
    fi
    local dir f ids=()
    case $sub in
    install)
        local IFS=:
        for dir in ${XDG_DATA_DIRS:-/usr/local/share:/usr/share}; do
            for f in "$dir"/applications/*.desktop; do [ -e "$f" ] && f=${f##*/} && ids+=("${f%.desktop}"); done
        done ;;
    remove)
        while IFS=$'\t' read -r f _; do ids+=("$f"); done < <("${COMP_WORDS[0]}" desktop list 2>/dev/null) ;;
    esac
    COMPREPLY=($(compgen -W "${ids[*]}" -- "$cur"))
}

_sbx() {
    local cur prev i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    if ((COMP_CWORD >= 2)) && [ "${COMP_WORDS[1]}" = desktop ]; then
        _sbx_desktop "$cur" "$prev"
        return
    fi
    # After the command (the first word that is not an option or an
    # option's value, or anything after --): complete as that command.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --) ((i++)); break ;;
        -p | --profile | --bind | --ro-bind | --tmpfs | --setenv | --unsetenv | --chdir | --hostname | --export-seccomp | --file-arguments)
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
    --file-arguments)
        COMPREPLY=($(compgen -W "none read-only read-write" -- "$cur"))
        return ;;
    --tmpfs | --setenv | --chdir | --hostname)
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-p --profile --bind --ro-bind --tmpfs --setenv --unsetenv --chdir
            --hostname --share-net --unsafe -v --verbose --dry-run --print-bwrap-args --pty --no-pty
            --export-seccomp --file-arguments --list-profiles -h --help --version --" -- "$cur"))
    else
        COMPREPLY=($(compgen -c -- "$cur"))
        ((COMP_CWORD == 1)) && COMPREPLY+=($(compgen -W desktop -- "$cur"))
    fi
}
complete -F _sbx sbx
