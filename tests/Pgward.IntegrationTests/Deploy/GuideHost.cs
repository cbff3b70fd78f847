using System.Diagnostics;
using Pgward.Core.Processes;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Pgward.Testing.Network;

namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// One machine of the deployment guide: a host of a <see cref="TestNetwork"/> (its own address), with a mount namespace
/// and a host name (UTS namespace) of its own, each kept in a file so that every command enters the same ones. Hosts share the machine's filesystem, so each
/// gets a private view of what the guide writes to: /etc (an overlay: the machine's /etc below, the host's changes
/// above), /root, /srv, /var/lib/postgresql (the postgres user's home: .pgpass and the data directory) and /run
/// (PostgreSQL's socket directory, HAProxy's PID file). It starts as Debian's packages leave it: /etc/pgward (the pgward
/// package), /var/lib/postgresql and /run/postgresql owned by postgres (postgresql-common).
/// </summary>
public sealed class GuideHost
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly string directory;
    private readonly string path;
    private readonly List<(ServiceUnit Unit, Process Process)> services = [];

    private GuideHost(TestHost host, string directory, string path)
    {
        Network = host;
        this.directory = directory;
        this.path = path;
    }

    public TestHost Network { get; }

    public string Name => Network.Name;

    /// <summary>The file that holds the host's mount namespace: <c>nsenter --mount=</c> it to see its files.</summary>
    public string MountNamespace => Path.Combine(directory, "mnt.ns");

    /// <summary>The file that holds the host's UTS namespace, where its host name is its name in the guide.</summary>
    private string HostNameNamespace => Path.Combine(directory, "uts.ns");

    /// <summary>Where this host's private view of <paramref name="guidePath"/> (under /root, /srv, /var/lib/postgresql or
    /// /run) is on the machine, for the test to read what the guide made there.</summary>
    public string Private(string guidePath) =>
        Views.Where(v => guidePath.StartsWith(v.Target + "/", StringComparison.Ordinal)).Select(v => Path.Combine(directory, v.Source, guidePath[(v.Target.Length + 1)..]))
            .FirstOrDefault() ?? throw new ArgumentException($"{guidePath} is not in a private directory", nameof(guidePath));

    /// <summary>Where root's home directory on this host is on the machine.</summary>
    public string RootHome => Path.Combine(directory, "root");

    private static readonly (string Source, string Target)[] Views = [("root", "/root"), ("srv", "/srv"), ("postgres-home", "/var/lib/postgresql"), ("run", "/run")];

    /// <param name="path">PATH of every command: the test's bin directory (pgward, scp) first.</param>
    public static async Task<GuideHost> CreateAsync(TestHost network, string directory, string path, CancellationToken ct)
    {
        var host = new GuideHost(network, directory, path);
        foreach (var sub in Views.Select(v => v.Source).Concat(["etc.upper", "etc.work", "logs"]))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        }
        await File.WriteAllTextAsync(host.MountNamespace, "", ct);
        await File.WriteAllTextAsync(host.HostNameNamespace, "", ct);
        var mounts = string.Join('\n', Views.Select(v => $"mount --bind '{Path.Combine(directory, v.Source)}' {v.Target}"));
        var setup = $"""
            set -eu
            hostname {network.Name}
            mount -t overlay overlay -o lowerdir=/etc,upperdir='{directory}/etc.upper',workdir='{directory}/etc.work' /etc
            {mounts}
            chmod 0700 /root; chmod 0755 /srv
            install -d -m 0755 /etc/pgward
            chown postgres:postgres /var/lib/postgresql; chmod 0755 /var/lib/postgresql
            install -d -o postgres -g postgres -m 2775 /run/postgresql
            """;
        await RequireAsync(new ProcessRequest("unshare", [$"--mount={host.MountNamespace}", $"--uts={host.HostNameNamespace}", "--propagation", "private", "sh", "-c", setup]) { Timeout = CommandTimeout }, ct);
        return host;
    }

    /// <summary>Runs <paramref name="script"/> with bash (<c>set -euo pipefail</c>) on this host as <paramref name="user"/>,
    /// in its home directory, with a clean environment as after a login.</summary>
    public async Task<CliRun> RunAsync(string script, string user, CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest("nsenter", Enter(user, ["bash", "-e", "-u", "-o", "pipefail", "-c", "cd \"$HOME\"\n" + script]))
        {
            Timeout = CommandTimeout,
        }, ct);
        return new CliRun(result.TimedOut ? -1 : result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Writes <paramref name="file"/> on this host as <paramref name="user"/> would with an editor, then sets its mode.</summary>
    public async Task WriteFileAsync(string file, string text, string user, string mode, string staging, CancellationToken ct)
    {
        var staged = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(staged, text, ct);
        File.SetUnixFileMode(staged, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            var run = await RunAsync($"cat '{staged}' > '{file}'\nchmod {mode} '{file}'", user, ct);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"writing {file} on {Name} as {user}: {run}");
            }
        }
        finally
        {
            File.Delete(staged);
        }
    }

    /// <summary>Starts <paramref name="unit"/> as systemd would: ExecStartPre to the end, then ExecStart in the
    /// background as the unit's user, its output in <c>logs/UNIT.log</c>. Fails when it ends within 2 s.</summary>
    public async Task StartServiceAsync(ServiceUnit unit, CancellationToken ct)
    {
        foreach (var (command, ignoreFailure) in unit.ExecStartPre)
        {
            var result = await new ProcessRunner().RunAsync(new ProcessRequest("nsenter", Enter(unit.User, command)) { Timeout = CommandTimeout }, ct);
            await File.AppendAllTextAsync(LogFile(unit.Name), result.StandardOutput + result.StandardError, ct);
            if (!result.Succeeded && !ignoreFailure)
            {
                throw new InvalidOperationException($"{unit.Name} on {Name}: ExecStartPre failed: {result.Describe()}");
            }
        }
        var log = LogFile(unit.Name);
        var info = new ProcessStartInfo("sh") { UseShellExecute = false };
        // Every step execs the next: the PID is the service's own, as systemd's MainPID.
        foreach (var arg in (string[])["-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null", log, "nsenter", .. Enter(unit.User, unit.ExecStart)])
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{unit.Name} did not start on {Name}");
        services.Add((unit, process));
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, ct);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"{unit.Name} on {Name} ended at once with exit {process.ExitCode}:\n{File.ReadAllText(log)}");
        }
    }

    /// <summary>The texts of this host's drop-ins for <paramref name="unit"/> (<c>/etc/systemd/system/UNIT.service.d/*.conf</c>),
    /// in the order of their names: read from its /etc overlay, the host's own files over the machine's.</summary>
    public IReadOnlyList<string> DropIns(string unit)
    {
        var relative = Path.Combine("systemd", "system", $"{unit}.service.d");
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in (string[])["/etc", Path.Combine(directory, "etc.upper")])
        {
            var dropIns = Path.Combine(root, relative);
            foreach (var file in System.IO.Directory.Exists(dropIns) ? System.IO.Directory.GetFiles(dropIns, "*.conf") : [])
            {
                files[Path.GetFileName(file)] = file;
            }
        }
        return files.Values.Select(File.ReadAllText).ToList();
    }

    public string LogFile(string unit) => Path.Combine(directory, "logs", $"{unit}.log");

    /// <summary>What each service logged, for a failure's message.</summary>
    public string ServiceLogs() => string.Join('\n', services.Select(s => s.Unit.Name).Distinct()
        .Select(u => $"---- {Name}: {u} ----\n{Tail(File.Exists(LogFile(u)) ? File.ReadAllText(LogFile(u)) : "", 60)}"));

    /// <summary>kill -9 of every process on this host (in its network namespace): the host died.</summary>
    public async Task KillAllAsync(CancellationToken ct)
    {
        var segments = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            var pids = await PidsAsync(ct);
            if (pids.Count == 0)
            {
                DsmSegments.Remove(segments);
                return;
            }
            segments.AddRange(DsmSegments.MappedBy(pids));
            foreach (var pid in pids)
            {
                Signals.Send(pid, Signals.SigKill);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, ct);
        }
        throw new InvalidOperationException($"processes on {Name} survived kill -9: {string.Join(' ', await PidsAsync(ct))}");
    }

    /// <summary>After <see cref="KillAllAsync"/>: the host boots again. /run starts empty and systemd starts the services
    /// enabled before, in the same order.</summary>
    public async Task RebootAsync(CancellationToken ct)
    {
        foreach (var stale in System.IO.Directory.EnumerateFiles(Path.Combine(directory, "run"), "*", SearchOption.AllDirectories))
        {
            File.Delete(stale);
        }
        foreach (var unit in services.Select(s => s.Unit).DistinctBy(u => u.Name).ToList())
        {
            await StartServiceAsync(unit, ct);
        }
    }

    /// <summary>Stops the services started here (SIGTERM, then kill -9 after 15 s), then kills whatever still runs on the
    /// host, and releases its mount namespace.</summary>
    public async Task StopAsync()
    {
        foreach (var (_, process) in services.Where(s => !s.Process.HasExited))
        {
            Signals.Send(process.Id, Signals.SigTerm);
        }
        foreach (var (_, process) in services)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
        await KillAllAsync(CancellationToken.None);
        foreach (var file in (string[])[MountNamespace, HostNameNamespace])
        {
            // Unmounting the file releases the namespace (a file never mounted on is left as it is).
            await new ProcessRunner().RunAsync(new ProcessRequest("umount", [file]) { Timeout = CommandTimeout }, CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<int>> PidsAsync(CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest("ip", ["netns", "pids", Network.Namespace]) { Timeout = CommandTimeout }, ct);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>nsenter's arguments that run <paramref name="command"/> on this host as <paramref name="user"/>: its network
    /// and mount namespaces, that user's identity and groups, and only the variables a login would set.</summary>
    private IReadOnlyList<string> Enter(string user, IEnumerable<string> command)
    {
        var home = user == "root" ? "/root" : HomeOf(user);
        List<string> args = [$"--net=/run/netns/{Network.Namespace}", $"--mount={MountNamespace}", $"--uts={HostNameNamespace}", "--wd=/"];
        if (user != "root")
        {
            args.AddRange(["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups"]);
        }
        args.AddRange(["env", "-i", $"PATH={path}", $"HOME={home}", $"USER={user}", $"LOGNAME={user}", "SHELL=/bin/bash", "LANG=C.UTF-8"]);
        args.AddRange(command);
        return args;
    }

    private static string HomeOf(string user) =>
        File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == user)?[5]
        ?? throw new InvalidOperationException($"no OS user {user}");

    private static async Task RequireAsync(ProcessRequest request, CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(request, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
