# Shared by scripts/publish and scripts/sandbox (source it after setting $repo): what a build of pgward is made from.

# The files a build of pgward reads, relative to the repository: the sources and the settings at the root.
build_inputs() {
    (cd "$repo" && find src Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig global.json \
        \( -name bin -o -name obj \) -prune -o -type f -print0)
}

# Prints a fingerprint of the sources in directory $1 (laid out as the repository) and of the checked-out commit,
# which the executable's --version names: same fingerprint, same program. About 0.1 s.
source_fingerprint() {
    {
        (cd "$1" && find src Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig global.json \
            \( -name bin -o -name obj \) -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        git -C "$repo" rev-parse HEAD 2>/dev/null || true
    } | sha256sum | cut -c1-16
}

# The directory where the .NET host of this `dotnet` is: apphosts (artifacts/jit/*/pgward) find the runtime there
# when it is not installed where they look by default (/usr/share/dotnet), e.g. after dotnet-install.sh.
dotnet_root() {
    dirname "$(readlink -f "$(command -v dotnet)")"
}
