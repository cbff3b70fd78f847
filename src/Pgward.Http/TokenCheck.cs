namespace Pgward.Http;

/// <summary>The result of checking a control request's bearer token.</summary>
public enum TokenCheck
{
    Valid,
    /// <summary>No <c>agent_token</c> is configured: control endpoints are off (403).</summary>
    Disabled,
    /// <summary>No <c>Authorization: Bearer</c> header (401).</summary>
    Missing,
    /// <summary>A token that is not the configured one (401).</summary>
    Wrong,
}
