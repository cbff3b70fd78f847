namespace Pgward.Core.Tls;

/// <summary>Thrown by a certificate validation callback so that the caller, who knows the peer's URL, can say what was
/// wrong with the peer's certificate and how to fix it, instead of "the SSL connection could not be established".</summary>
public sealed class PeerCertificateException(string problem, string fix) : Exception($"{problem}: {fix}")
{
    /// <summary>What is wrong, to follow "the certificate of the agent at URL", e.g. "expired on 2026-01-01".</summary>
    public string Problem { get; } = problem;

    /// <summary>How to fix it, e.g. "reissue it and restart that agent".</summary>
    public string Fix { get; } = fix;
}
