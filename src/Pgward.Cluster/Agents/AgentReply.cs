namespace Pgward.Cluster.Agents;

/// <summary>
/// What an agent answered, as a value: <see cref="Reachable"/> false when no HTTP answer came (refused, timed out);
/// otherwise the status code and the parsed body (null when the body was empty or not the expected JSON).
/// </summary>
public sealed record AgentReply<T>(bool Reachable, int? StatusCode, T? Body, string? Error)
    where T : class
{
    /// <summary>Reachable and answered 2xx.</summary>
    public bool Succeeded => Reachable && StatusCode is >= 200 and < 300;

    public static AgentReply<T> Unreachable(string error) => new(false, null, null, error);
}
