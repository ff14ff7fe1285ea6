# fish completion for sbx(1). Installed in
# $datadir/fish/vendor_completions.d/.

function __sbx_profiles
    printf '%s\n' default cli browser
    for dir in (set -q XDG_CONFIG_HOME; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/sbx/profiles \
            /etc/sbx/profiles /usr/local/share/sbx/profiles /usr/share/sbx/profiles
        for f in $dir/*.toml
            basename $f .toml
        end
    end
end

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
complete -c sbx -s h -l help -d 'Show the help'
complete -c sbx -l version -d 'Show the version'
complete -c sbx -x -a '(__fish_complete_subcommand)'
