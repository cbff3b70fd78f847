namespace Pgward.Testing;

/// <summary>
/// PostgreSQL's dynamic shared memory segments (<c>/dev/shm/PostgreSQL.N</c>, <c>dynamic_shared_memory_type = posix</c>)
/// that some processes map. A server killed with SIGKILL cannot remove its segments, and a segment stays in memory until
/// the machine restarts: the tests' kills left about 30 MB in /dev/shm a suite. The harness reads what the processes of a
/// server map before it kills them, and removes those files once they are gone; a server started again on the same
/// data directory makes new segments (and finds the old control segment missing, which it takes in its stride).
/// </summary>
public static class DsmSegments
{
    private const string Prefix = "/dev/shm/PostgreSQL.";

    /// <summary>The segment files <paramref name="pids"/> map now (a process gone meanwhile maps none).</summary>
    public static IReadOnlyList<string> MappedBy(IEnumerable<int> pids)
    {
        var segments = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
                {
                    var at = line.IndexOf(Prefix, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        segments.Add(line[at..].Split(' ')[0]);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return [.. segments];
    }

    /// <summary>Removes <paramref name="segments"/>, once every process that mapped them is gone.</summary>
    public static void Remove(IReadOnlyList<string> segments)
    {
        foreach (var segment in segments)
        {
            try
            {
                File.Delete(segment);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
