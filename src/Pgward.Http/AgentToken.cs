using System.Security.Cryptography;
using System.Text;

namespace Pgward.Http;

/// <summary>Checks <c>Authorization: Bearer &lt;agent_token&gt;</c> against <c>agent_token</c>.</summary>
public static class AgentToken
{
    private const string Scheme = "Bearer ";

    public static TokenCheck Check(string configured, string? authorization)
    {
        if (configured.Length == 0)
        {
            return TokenCheck.Disabled;
        }
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return TokenCheck.Missing;
        }
        var offered = authorization[Scheme.Length..].Trim();
        // Compare digests in constant time: FixedTimeEquals alone returns early on a length mismatch, which would
        // tell a guesser the token's length; equal-length SHA-256 digests hide it.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(offered));
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? TokenCheck.Valid : TokenCheck.Wrong;
    }
}
