using System.Security.Cryptography;
using System.Text;

namespace Pgward.Core.Postgres.Wire;

/// <summary>PostgreSQL's md5 authentication: <c>"md5" + md5hex(md5hex(password + user) + salt)</c>.</summary>
public static class Md5Password
{
    public static string Response(string user, string password, ReadOnlySpan<byte> salt)
    {
        var inner = Hex(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
        var outer = new byte[inner.Length + salt.Length];
        Encoding.ASCII.GetBytes(inner, outer);
        salt.CopyTo(outer.AsSpan(inner.Length));
        return "md5" + Hex(MD5.HashData(outer));
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
