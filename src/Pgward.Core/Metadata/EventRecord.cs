namespace Pgward.Core.Metadata;

/// <summary>One row of <c>pgward.events</c>, with the node's name joined in when it is still registered.</summary>
public sealed record EventRecord(
    int NodeId,
    string? NodeName,
    string Event,
    bool Successful,
    DateTimeOffset Timestamp,
    string? Details);
