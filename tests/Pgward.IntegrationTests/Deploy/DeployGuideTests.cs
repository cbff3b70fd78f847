using System.Net;
using Pgward.IntegrationTests.Packaging;
using Pgward.Testing;
using Pgward.Testing.Network;
using Xunit;

namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// Runs docs/deploy.md, the deployment guide, as written: its code blocks host by host on seven hosts (network
/// namespaces with the guide's addresses, each with a private view of the files the guide writes), then kills the
/// primary host under a write load through the guide's HAProxy, and boots it again.
///
/// <para>The guide marks its blocks with words after the language of the opening fence (GitHub shows only the code):</para>
/// <list type="bullet">
/// <item><c>```sh host=db1,db2 [user=postgres] [wait=SECONDS]</c>: commands, run with bash (<c>set -euo pipefail</c>) on
/// each host in turn, as root unless <c>user=</c> names another OS user, in that user's home directory with a login's
/// environment. <c>wait=N</c>: a check that may need the services a moment; the test runs it again until it succeeds,
/// for at most N seconds.</item>
/// <item><c>```ini file=/etc/pgward/pgward.conf host=db2 [user=postgres] [mode=0600]</c> (any language): the block is
/// the whole content of that file, written on each host as that user (who then owns it), with that mode (default 0644).</item>
/// <item><c>notest</c>: not run. Only package installation may be marked so (apt-get, apt, dpkg, pg_dropcluster and
/// /etc/postgresql-common/): it is machine-wide on a test machine, whose packages scripts/install-deps installs, and
/// <c>pgward</c> on the hosts' PATH is the .deb's executable (<see cref="DebianPackage"/>: scripts/package, NativeAOT)
/// instead of its /usr/bin/pgward.</item>
/// <item>A block of <c>systemctl enable --now UNIT</c>, <c>systemctl start|restart UNIT</c> lines: there is no systemd as
/// PID 1 here, so the test does what it would: runs the unit's ExecStartPre and ExecStart as its User= in the
/// background (packaging/UNIT.service for pgward's units, the installed unit for others, such as haproxy; see
/// <see cref="ServiceUnit"/>) and stops it by PID at the end.</item>
/// <item>A block without <c>host=</c> is an example for the reader; the test leaves it alone.</item>
/// </list>
/// <para>Copies between hosts go through <see cref="ScpStandIn"/>: there is no SSH between the test hosts.</para>
/// <para>The hosts run the package's executable, as a reader who follows the guide does, not the test's JIT build: that
/// takes ten times as long to start, and PostgreSQL starts a <c>pgward backup wal-fetch</c> (the standbys'
/// <c>restore_command</c>) twice a second while the primary is gone and three times in a row when it promotes a standby.
/// So the test runs in the package's collection, alone and after the others, where the package is built.</para>
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DeployGuideTests(DebianPackage package) : PgIntegrationTest, IClassFixture<DebianPackage>
{
    private const int HaproxyPort = 5000;
    private static readonly TimeSpan WritesResumeBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RejoinBound = TimeSpan.FromSeconds(90);

    /// <summary>How long the test waits for 100 writes after the kill before it gives up (the bound asserted is
    /// <see cref="WritesResumeBound"/>; this only turns a hang into a failure with the logs).</summary>
    private static readonly TimeSpan ResumeWaitLimit = TimeSpan.FromSeconds(60);

    protected override TimeSpan Deadline => TimeSpan.FromMinutes(8);

    [Fact]
    public async Task The_deployment_guide_builds_a_cluster_that_fails_over_under_load_without_losing_a_write_and_keeps_its_backups()
    {
        var blocks = DeployGuide.Load();
        var output = TestContext.Current.TestOutputHelper;
        await using var machines = await GuideMachines.StartAsync(Directory.Path, Path.Combine(package.Root, "usr", "bin", "pgward"), Token);
        await machines.RunGuideAsync(blocks, Token);

        // The application's view: HAProxy on app, reached from inside app's namespace, the password from the guide's file.
        await using var haproxy = new NamespaceForwarder(machines["app"].Network.Namespace, new IPEndPoint(IPAddress.Loopback, HaproxyPort));
        var password = (await File.ReadAllTextAsync(machines["admin"].Private("/root/pgward-ca/app.pgpass"), Token)).Trim().Split(':', 5)[4];
        var application = $"Host=127.0.0.1;Port={haproxy.Port};Username=app;Password={password};Database=app;SSL Mode=VerifyCA;"
            + $"Root Certificate={machines["admin"].Private("/root/pgward-ca/ca.crt")};Pooling=false;Timeout=3;Command Timeout=3";

        await using var load = await WriteLoad.StartAsync(application, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(100, Token);
        var before = load.Acknowledged;
        await machines["db1"].KillAllAsync(Token);
        var killedAt = DirectWriter.Now();
        using (var resume = CancellationTokenSource.CreateLinkedTokenSource(Token))
        {
            resume.CancelAfter(ResumeWaitLimit);
            try
            {
                await load.WaitForAcknowledgedAsync(before + 100, resume.Token);
            }
            catch (OperationCanceledException) when (!Token.IsCancellationRequested)
            {
                Assert.Fail($"writes through HAProxy did not resume within {ResumeWaitLimit.TotalSeconds} s of db1's death\n{machines.ServiceLogs()}");
            }
        }
        var result = await load.StopAsync();

        // Writes acknowledged after the kill by a write begun after it: the first id past the last one acknowledged before.
        var lastBefore = result.AcknowledgedBy.Take(before).Max(a => a.Id);
        var resumed = result.AcknowledgedBy.First(a => a.Id > lastBefore + 1).At - killedAt;
        var rows = await WriteLoad.RowsAsync(application, Token);
        var lost = result.Acknowledged.Except(rows).ToList();
        output?.WriteLine($"db1 killed: writes through HAProxy resumed {resumed.TotalSeconds:0.00} s later; {result.Acknowledged.Count} acknowledged, "
            + $"{lost.Count} lost, {result.Unknown.Count} unknown, longest gap {result.LongestGap.TotalSeconds:0.00} s");
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged rows lost in sync mode: {string.Join(",", lost.Take(20))}\n{machines.ServiceLogs()}");
        Assert.True(resumed < WritesResumeBound, $"writes resumed {resumed.TotalSeconds:0.00} s after db1 died (bound {WritesResumeBound.TotalSeconds} s)\n{machines.ServiceLogs()}");

        // The backup server follows: it archives the new primary's WAL, on the new timeline, and its checks pass.
        var backup = machines["backup"];
        var switched = await backup.RunAsync("pgward backup switch-wal --archive --archive-timeout 60", "postgres", Token);
        Assert.True(switched.ExitCode == 0 && switched.Error.Contains("WAL file 00000002", StringComparison.Ordinal),
            $"the backup server did not archive WAL of timeline 2: {switched}\n{machines.ServiceLogs()}");
        var check = await backup.RunAsync("pgward backup check --nagios", "postgres", Token);
        Assert.True(check.ExitCode == 0, $"backup check after the failover: {check}\n{machines.ServiceLogs()}");

        // db1 boots again: the guide's drop-in starts its PostgreSQL (read-only behind the guard) and the agent rejoins it.
        await machines["db1"].RebootAsync(Token);
        var rebootedAt = DirectWriter.Now();
        await WaitAsync(machines["db1"], "psql -Atc 'SELECT status FROM pg_stat_wal_receiver' | grep -qx streaming", RejoinBound,
            "db1 streaming from the new primary after its reboot", machines);
        output?.WriteLine($"db1 rebooted: a standby streaming from the new primary {(DirectWriter.Now() - rebootedAt).TotalSeconds:0.0} s later");
    }

    /// <summary>Runs <paramref name="script"/> on <paramref name="host"/> as postgres until it succeeds.</summary>
    private async Task WaitAsync(GuideHost host, string script, TimeSpan limit, string what, GuideMachines machines)
    {
        var started = DirectWriter.Now();
        while (true)
        {
            var run = await host.RunAsync(script, "postgres", Token);
            if (run.ExitCode == 0)
            {
                return;
            }
            Assert.True(DirectWriter.Now() - started < limit, $"no {what} within {limit.TotalSeconds} s: {run}\n{machines.ServiceLogs()}");
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, Token);
        }
    }
}
