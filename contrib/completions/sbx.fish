# fish completion for sbx(1). Installed in
# $datadir/fish/vendor_completions.d/.

# The names sbx itself finds (its profile folders, then the built-in ones).
function __sbx_profiles
    sbx --list-profiles 2>/dev/null; or printf '%s\n' default cli browser
end

function __sbx_desktop_ids
    set -l dirs (string split : -- (set -q XDG_DATA_DIRS; and echo $XDG_DATA_DIRS; or echo /usr/local/share:/usr/share))
    for f in $dirs/applications/*.desktop
        basename $f .desktop
    end
end

# True while completing the word after `sbx desktop` (its action).
function __sbx_desktop_action
    set -l words (commandline -opc)
    test (count $words) -eq 2; and test "$words[2]" = desktop
end
function __sbx_desktop_in
    set -l words (commandline -opc)
    test (count $words) -ge 3; and test "$words[2]" = desktop; and test "$words[3]" = $argv[1]
end
function __sbx_first_word
    test (count (commandline -opc)) -eq 1
end

complete -c sbx -n __sbx_first_word -x -a desktop -d 'Wrap desktop entries through sbx'
complete -c sbx -n __sbx_desktop_action -x -a install -d "Wrap an application's desktop entry through sbx"
complete -c sbx -n __sbx_desktop_action -x -a remove -d 'Remove a wrapper sbx wrote'
complete -c sbx -n __sbx_desktop_action -x -a list -d 'List the wrappers sbx wrote'
complete -c sbx -n '__sbx_desktop_in install' -x -a '(__sbx_desktop_ids)'
complete -c sbx -n '__sbx_desktop_in install' -l force -d 'Write over an entry sbx did not write'
complete -c sbx -n '__sbx_desktop_in remove' -x -a '(sbx desktop list 2>/dev/null | string replace -r "\t.*" "")'

complete -c sbx -s p -l profile -x -a '(__sbx_profiles; __fish_complete_path (commandline -ct))' -d 'Profile NAME or PATH'
complete -c sbx -l bind -r -F -d 'Bind host SRC read-write at DST'
complete -c sbx -l ro-bind -r -F -d 'Bind host SRC read-only at DST'
complete -c sbx -l tmpfs -x -d 'A fresh tmpfs at DST'
complete -c sbx -l setenv -x -d 'Set NAME=VALUE in the environment'
complete -c sbx -l unsetenv -x -a '(set --names --export)' -d 'Remove NAME from the environment'
complete -c sbx -l chdir -x -d 'Working directory inside the sandbox'
complete -c sbx -l hostname -x -d 'Hostname inside the sandbox'
complete -c sbx -l share-net -d "Use the host's network"
complete -c sbx -l unsafe -d 'Allow the binds sbx refuses (see sbx(1) SECURITY)'
complete -c sbx -s v -l verbose -d 'Log every setup step'
complete -c sbx -l dry-run -d 'Print what the sandbox will be; run nothing'
complete -c sbx -l print-bwrap-args -d 'Print the equivalent bubblewrap command (JSON)'
complete -c sbx -l pty -d 'Always a new pseudo-terminal'
complete -c sbx -l no-pty -d "Give the command the caller's terminal"
complete -c sbx -l export-seccomp -r -F -d 'Write the compiled seccomp filter to FILE'
complete -c sbx -l file-arguments -x -a 'none read-only read-write' -d 'Bind the files the arguments name'
complete -c sbx -l list-profiles -d 'Print the profile names --profile finds'
complete -c sbx -s h -l help -d 'Show the help'
complete -c sbx -l version -d 'Show the version'
complete -c sbx -n 'not __sbx_desktop_in install; and not __sbx_desktop_in remove; and not __sbx_desktop_action' -x -a '(__fish_complete_subcommand)'
