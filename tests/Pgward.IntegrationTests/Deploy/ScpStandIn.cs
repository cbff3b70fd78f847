namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// The <c>scp</c> the guide's hosts find on their PATH: there is no SSH between test hosts, so it copies the files into
/// the target host's private directory that holds PATH (<see cref="GuideHost.Private"/>: /root, /srv, ...; a mount
/// namespace cannot be entered from another one). It takes what the guide uses:
/// <c>scp [-OPTIONS] SOURCE... root@ADDRESS:[PATH]</c>, a relative or empty PATH being relative to /root, and gives a
/// new file its source's mode, as scp does.
/// </summary>
public static class ScpStandIn
{
    public static string Script(IEnumerable<GuideHost> hosts)
    {
        var cases = string.Join('\n', hosts.Select(h => $"  {h.Network.Address}) root='{h.RootHome}' ;;"));
        return $$"""
            #!/bin/bash
            # The deployment guide test's stand-in for scp (tests/Pgward.IntegrationTests/Deploy/ScpStandIn.cs).
            set -euo pipefail
            files=()
            for arg in "$@"; do
              case $arg in -*) ;; *) files+=("$arg") ;; esac
            done
            target=${files[-1]}
            unset 'files[-1]'
            address=${target%%:*}
            address=${address#*@}
            path=${target#*:}
            case $address in
            {{cases}}
              *) echo "scp: no test host has the address $address" >&2; exit 1 ;;
            esac
            case $path in
              /root|/root/*) path=$root${path#/root} ;;
              /*) echo "scp: the test copies only into root's home directory, not $path" >&2; exit 1 ;;
              *) path=$root/$path ;;
            esac
            for file in "${files[@]}"; do
              to=$path
              if [ -d "$path" ]; then to=$path/$(basename "$file"); fi
              cat "$file" > "$to"
              chmod "$(stat -c %a "$file")" "$to"
            done
            """;
    }
}
