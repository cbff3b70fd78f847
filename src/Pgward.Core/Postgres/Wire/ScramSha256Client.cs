using System.Security.Cryptography;
using System.Text;

namespace Pgward.Core.Postgres.Wire;

/// <summary>
/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, without channel binding (gs2 header
/// <c>n,,</c>: a Unix-domain socket has no TLS to bind to). PostgreSQL takes the user from the startup message and ignores
/// the one in the client-first message, which libpq therefore leaves empty. Pure: the nonce is given, so that RFC 7677's
/// test vector can be replayed.
/// </summary>
public sealed class ScramSha256Client
{
    public const string Mechanism = "SCRAM-SHA-256";

    private const string Gs2Header = "n,,";

    private readonly string password;
    private readonly string clientNonce;
    private readonly string clientFirstBare;
    private byte[]? expectedServerSignature;

    /// <param name="user">The name in the client-first message: empty for PostgreSQL.</param>
    /// <param name="clientNonce">Printable ASCII without commas: <see cref="NewNonce"/>.</param>
    public ScramSha256Client(string user, string password, string clientNonce)
    {
        this.password = password;
        this.clientNonce = clientNonce;
        clientFirstBare = $"n={user.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={clientNonce}";
    }

    /// <summary>18 random bytes in base64, as libpq makes its nonce.</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

    public string ClientFirstMessage => Gs2Header + clientFirstBare;

    /// <summary>The client-final message answering <paramref name="serverFirst"/>, with the proof of the password.</summary>
    /// <exception cref="ScramException">The server's message is malformed, or its nonce does not extend ours.</exception>
    public string ClientFinalMessage(string serverFirst)
    {
        var fields = Fields(serverFirst);
        if (!fields.TryGetValue('r', out var nonce) || !fields.TryGetValue('s', out var salt64) || !fields.TryGetValue('i', out var iterationsText))
        {
            throw new ScramException("the server's first SCRAM message lacks its nonce, salt or iteration count");
        }
        if (!nonce.StartsWith(clientNonce, StringComparison.Ordinal) || nonce.Length == clientNonce.Length)
        {
            throw new ScramException("the server's SCRAM nonce does not extend the client's");
        }
        if (!int.TryParse(iterationsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            throw new ScramException("the server's SCRAM iteration count is not a positive number");
        }
        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(salt64);
        }
        catch (FormatException)
        {
            throw new ScramException("the server's SCRAM salt is not base64");
        }

        // Npgsql's normalization of the password (NFKC), so that the same password works as it did through Npgsql.
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations,
            HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header))},r={nonce}";
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var proof = HMACSHA256.HashData(storedKey, authMessage);
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] ^= clientKey[i];
        }
        expectedServerSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        CryptographicOperations.ZeroMemory(salted);
        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }

    /// <summary>Checks the server's signature: a server that does not know the password cannot make it.</summary>
    /// <exception cref="ScramException">An error from the server (<c>e=</c>), or a signature that does not match.</exception>
    public void VerifyServerFinal(string serverFinal)
    {
        if (expectedServerSignature is null)
        {
            throw new InvalidOperationException("the client-final message was not made yet");
        }
        var fields = Fields(serverFinal);
        if (fields.TryGetValue('e', out var error))
        {
            throw new ScramException($"the server refused the SCRAM proof ({error})");
        }
        byte[] signature;
        try
        {
            signature = fields.TryGetValue('v', out var v) ? Convert.FromBase64String(v) : [];
        }
        catch (FormatException)
        {
            signature = [];
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, expectedServerSignature))
        {
            throw new ScramException("the server's SCRAM signature does not match: it does not know the password");
        }
    }

    private static Dictionary<char, string> Fields(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                fields.TryAdd(part[0], part[2..]);
            }
        }
        return fields;
    }
}
