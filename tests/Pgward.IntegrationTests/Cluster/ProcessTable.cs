using System.Globalization;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>One reading of /proc: every process with its parent, state and command line, for tests that freeze or kill
/// a node's processes and must find the ones started since they last looked.</summary>
public sealed class ProcessTable
{
    private readonly Dictionary<int, Entry> entries;

    private ProcessTable(Dictionary<int, Entry> entries) => this.entries = entries;

    /// <param name="State">The state letter of /proc/PID/stat: R, S, D, T (stopped), Z (zombie)...</param>
    /// <param name="Arguments">argv, from /proc/PID/cmdline.</param>
    public sealed record Entry(int Pid, int ParentPid, char State, IReadOnlyList<string> Arguments);

    public static ProcessTable Read()
    {
        var entries = new Dictionary<int, Entry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Find(pid) is { } entry)
            {
                entries[pid] = entry;
            }
        }
        return new ProcessTable(entries);
    }

    /// <summary>The process <paramref name="pid"/> now; null when it is gone.</summary>
    public static Entry? Find(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ...", comm may hold spaces: split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return new Entry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), fields[0][0], arguments);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public IEnumerable<Entry> Processes => entries.Values;

    /// <summary>The children of <paramref name="pid"/>, their children, and so on.</summary>
    public IReadOnlyList<int> Descendants(int pid)
    {
        var found = new List<int>();
        var next = new Queue<int>([pid]);
        while (next.TryDequeue(out var parent))
        {
            foreach (var child in entries.Values.Where(e => e.ParentPid == parent).Select(e => e.Pid))
            {
                found.Add(child);
                next.Enqueue(child);
            }
        }
        return found;
    }

    /// <summary>Whether the process no longer runs: stopped (T, or t when traced), a zombie, or gone.</summary>
    public static bool Halted(int pid) => Find(pid) is not { } entry || entry.State is 'T' or 't' or 'Z' or 'X';

    /// <summary>Whether the process is gone or a zombie, which runs no code either.</summary>
    public static bool Ended(int pid) => Find(pid) is not { } entry || entry.State is 'Z' or 'X';
}
