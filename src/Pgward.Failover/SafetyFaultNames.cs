namespace Pgward.Failover;

/// <summary>The names of <see cref="SafetyFaults"/> in <c>PGWARD_UNSAFE</c>: <c>no-fencing</c>, <c>no-quorum</c>, comma-separated.</summary>
public static class SafetyFaultNames
{
    public const string Variable = "PGWARD_UNSAFE";

    /// <summary>The faults named in <paramref name="value"/>, or the unknown name.</summary>
    public static (SafetyFaults Faults, string? Unknown) Parse(string? value)
    {
        var faults = SafetyFaults.None;
        foreach (var name in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (name)
            {
                case "no-fencing":
                    faults |= SafetyFaults.NoFencing;
                    break;
                case "no-quorum":
                    faults |= SafetyFaults.NoQuorum;
                    break;
                default:
                    return (faults, name);
            }
        }
        return (faults, null);
    }
}
