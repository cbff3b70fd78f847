namespace Pgward.Core.Config;

/// <summary>A rule on a group of settings that <see cref="ConfigCrossCheck"/>'s "a relation b" cannot say, e.g.
/// "<c>agent_tls = on</c> needs a certificate and a key": <paramref name="Problem"/> gives the whole message, or null.</summary>
public sealed record ConfigRule(string Key, Func<NodeOptions, string?> Problem);
