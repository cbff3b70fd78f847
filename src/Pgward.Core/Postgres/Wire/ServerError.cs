using System.Text;

namespace Pgward.Core.Postgres.Wire;

/// <summary>
/// An ErrorResponse from the server, as an <see cref="IOException"/>: the connection is unusable after it. The message
/// reads as Npgsql's <c>PostgresException</c> does (<c>28P01: password authentication failed for user "x"</c>), so that
/// the lease's log lines stay the same whichever client met it.
/// </summary>
public sealed class ServerError(string sqlState, string text) : IOException($"{sqlState}: {text}")
{
    /// <summary>invalid_authorization_specification: pg_hba.conf has no line for the connection.</summary>
    public const string NoHbaLine = "28000";

    public string SqlState { get; } = sqlState;

    /// <summary>Whether the same connection may succeed later: the server is starting, stopping or out of resources, or
    /// the connection broke (classes 08 and 53, 57P01-57P03). A refusal (authentication, pg_hba.conf) is not.</summary>
    public bool IsTransient => SqlState.StartsWith("08", StringComparison.Ordinal) || SqlState.StartsWith("53", StringComparison.Ordinal)
        || SqlState is "57P01" or "57P02" or "57P03";

    /// <summary>Reads an ErrorResponse's body: fields of a type byte and a C string, ended by a zero byte.</summary>
    public static ServerError Parse(ReadOnlySpan<byte> body)
    {
        string? code = null, text = null;
        while (body.Length > 0 && body[0] != 0)
        {
            var field = body[0];
            var stop = body[1..].IndexOf((byte)0);
            if (stop < 0)
            {
                break;
            }
            var value = Encoding.UTF8.GetString(body.Slice(1, stop));
            if (field == (byte)'C')
            {
                code = value;
            }
            else if (field == (byte)'M')
            {
                text = value;
            }
            body = body[(stop + 2)..];
        }
        return new ServerError(code ?? "XX000", text ?? "the server reported an error without a message");
    }
}
