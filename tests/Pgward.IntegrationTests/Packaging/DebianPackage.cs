using System.Diagnostics;
using Xunit;

namespace Pgward.IntegrationTests.Packaging;

/// <summary>
/// The Debian package as <c>scripts/package</c> builds it (the NativeAOT executable included), built once per test run
/// for every test of <see cref="PackageTests"/>, and unpacked into a temporary directory. The build takes minutes on
/// two cores; it fails the tests with the script's output when it fails.
/// </summary>
public sealed class DebianPackage : IAsyncLifetime
{
    /// <summary>How long the build may take: 20 minutes (the native build is the slow part).</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    public string Deb { get; private set; } = "";

    /// <summary>The package's files, unpacked with <c>dpkg-deb -x</c>.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("pgward-package-").FullName;

    /// <summary>How long <c>scripts/package</c> took.</summary>
    public TimeSpan BuildTime { get; private set; }

    public static string Repository
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "pgward.slnx")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException($"no pgward.slnx above {AppContext.BaseDirectory}");
        }
    }

    public async ValueTask InitializeAsync()
    {
        var start = TimeProvider.System.GetTimestamp();
        var (exitCode, output) = await RunAsync(Path.Combine(Repository, "scripts", "package"), [], BuildTimeout);
        BuildTime = TimeProvider.System.GetElapsedTime(start);
        Assert.True(exitCode == 0, $"scripts/package failed ({exitCode}):\n{output}");
        // Its last line naming a .deb: on a machine without the C toolchain, apt-get's messages on stderr (debconf's
        // "delaying package configuration") may come after it.
        Deb = output.Split('\n').Select(line => line.Trim()).LastOrDefault(line => line.EndsWith(".deb", StringComparison.Ordinal)) ?? "";
        Assert.True(File.Exists(Deb), $"scripts/package did not print the path of the .deb:\n{output}");
        var (unpacked, unpackOutput) = await RunAsync("dpkg-deb", ["-x", Deb, Root], TimeSpan.FromMinutes(1));
        Assert.True(unpacked == 0, unpackOutput);
    }

    /// <summary>Runs <paramref name="file"/> and returns its exit code and its stdout and stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        using var deadline = new CancellationTokenSource(timeout, TimeProvider.System);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalMinutes} minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
