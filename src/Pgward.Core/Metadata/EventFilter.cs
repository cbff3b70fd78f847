namespace Pgward.Core.Metadata;

/// <summary>Which events <c>cluster event</c> lists; null members do not filter.</summary>
public sealed record EventFilter(int? Limit, string? Event, int? NodeId, string? NodeName);
