namespace Pgward.Cluster.Clone;

/// <summary>One prerequisite of a clone, checked on the upstream or locally before anything is written.</summary>
public sealed record CloneCheck(string Name, bool Passed, string Message)
{
    public static CloneCheck Pass(string name, string message) => new(name, true, message);

    public static CloneCheck Fail(string name, string message) => new(name, false, message);
}
