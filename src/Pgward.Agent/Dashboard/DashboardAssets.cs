using System.Collections.Concurrent;

namespace Pgward.Agent.Dashboard;

/// <summary>
/// The page's files, embedded in the executable (<c>Dashboard/wwwroot</c>, resource names <c>dashboard/NAME</c>): plain
/// HTML, CSS and JavaScript, no build step. Read from the assembly on first use only, so an agent nobody looks at
/// holds none of them.
/// </summary>
public static class DashboardAssets
{
    /// <summary>The files the page is made of and their content types.</summary>
    public static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    private static readonly ConcurrentDictionary<string, byte[]> Loaded = new();

    /// <summary>The bytes of <paramref name="name"/>, one of <see cref="Files"/>.</summary>
    public static byte[] Read(string name) => Loaded.GetOrAdd(name, static n =>
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("dashboard/" + n)
            ?? throw new InvalidOperationException($"the dashboard's {n} is not embedded in the executable");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });
}
