using Xunit;

namespace Pgward.IntegrationTests.Packaging;

/// <summary>
/// <c>scripts/package</c>'s Debian package: its files, its control data, and its systemd units as
/// <c>systemd-analyze verify</c> sees them. The package is built once for the class (<see cref="DebianPackage"/>), in a
/// collection that runs alone: the native build would take a core from the timing-sensitive failover tests.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageTests(DebianPackage package) : IClassFixture<DebianPackage>
{
    private static readonly string[] Units = ["pgward.service", "pgward-backup.service"];

    private string Unit(string name) => File.ReadAllText(Path.Combine(package.Root, "lib", "systemd", "system", name));

    [Fact]
    public async Task Package_holds_the_executable_both_units_the_example_as_a_conffile_and_the_docs()
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"scripts/package took {package.BuildTime.TotalSeconds:0} s");
        var (exitCode, listing) = await DebianPackage.RunAsync("dpkg-deb", ["-c", package.Deb], TimeSpan.FromMinutes(1));
        Assert.Equal(0, exitCode);

        Assert.Matches(@"-rwxr-xr-x root/root +\d+ [\d-]+ [\d:]+ \./usr/bin/pgward\n", listing);
        foreach (var file in (string[])["./lib/systemd/system/pgward.service", "./lib/systemd/system/pgward-backup.service",
            "./etc/pgward/pgward.conf.example", "./usr/share/doc/pgward/README.md", "./usr/share/doc/pgward/copyright"])
        {
            Assert.Matches($@"-rw-r--r-- root/root +\d+ [\d-]+ [\d:]+ {file.Replace(".", @"\.", StringComparison.Ordinal)}\n", listing);
        }
        var (_, conffiles) = await DebianPackage.RunAsync("dpkg-deb", ["--info", package.Deb, "conffiles"], TimeSpan.FromMinutes(1));
        Assert.Equal("/etc/pgward/pgward.conf.example", conffiles.Trim());
        var (_, depends) = await DebianPackage.RunAsync("dpkg-deb", ["-f", package.Deb, "Depends"], TimeSpan.FromMinutes(1));
        Assert.Contains("libc6", depends, StringComparison.Ordinal);
        Assert.Contains("postgresql-client-15", depends, StringComparison.Ordinal);
        // Loaded at run time, not linked: backups compress through liblz4 (Lz4Block).
        Assert.Contains("liblz4-1", depends, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Packaged_executable_runs_and_links_only_to_what_the_package_depends_on()
    {
        var executable = Path.Combine(package.Root, "usr", "bin", "pgward");
        var (version, versionOutput) = await DebianPackage.RunAsync(executable, ["--version"], TimeSpan.FromMinutes(1));
        Assert.True(version == 0, versionOutput);

        // libc6 in Depends; OpenSSL (libssl3) and liblz4 are loaded at run time and are in Depends too.
        var (_, libraries) = await DebianPackage.RunAsync("ldd", [executable], TimeSpan.FromMinutes(1));
        var linked = libraries.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]);
        Assert.All(linked, library => Assert.Matches(@"^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|/lib64/ld-linux-x86-64\.so\.2)$", library));
    }

    /// <summary>
    /// <c>systemd-analyze verify --root</c> reads the units as the package installs them, and checks that ExecStart's
    /// executable exists under that root: the package's own <c>/usr/bin/pgward</c>. The root gets the host's targets
    /// (multi-user.target, sysinit.target ...) that every unit depends on. Warnings (an unknown key, a key in the wrong
    /// section) leave the exit code 0, so any output fails the test too. verify does not check User=: the next test does.
    /// </summary>
    [Fact]
    public async Task Systemd_analyze_verify_accepts_both_units_as_installed()
    {
        var system = Path.Combine(package.Root, "lib", "systemd", "system");
        foreach (var target in Directory.GetFiles("/lib/systemd/system", "*.target"))
        {
            File.Copy(target, Path.Combine(system, Path.GetFileName(target)), overwrite: true);
        }

        var (exitCode, output) = await DebianPackage.RunAsync("systemd-analyze",
            ["verify", $"--root={package.Root}", .. Units.Select(u => $"/lib/systemd/system/{u}")], TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"systemd-analyze verify ({exitCode}):\n{output}");
    }

    [Theory]
    [InlineData("pgward.service")]
    [InlineData("pgward-backup.service")]
    public void Units_run_pgward_daemon_as_postgres_with_notify_watchdog_and_restart_on_failure(string unit)
    {
        var lines = Unit(unit).Split('\n').Select(l => l.Trim()).ToList();

        Assert.Contains("ExecStart=/usr/bin/pgward -f /etc/pgward/pgward.conf daemon run", lines);
        Assert.Contains("Type=notify", lines);
        Assert.Contains("User=postgres", lines);
        Assert.Contains("Group=postgres", lines);
        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains(lines, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));
    }

    [Fact]
    public void Agent_unit_kills_only_the_agent_so_that_postgresql_survives_its_restart()
    {
        Assert.Contains("\nKillMode=process\n", Unit("pgward.service"), StringComparison.Ordinal);
    }
}
