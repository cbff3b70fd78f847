using System.Security.Cryptography;
using Pgward.Core.Checksums;

namespace Pgward.Backup.Checks;

/// <summary>Computes a file's checksum with one of the manifest's algorithms while its bytes stream past.</summary>
public sealed class FileChecksum : IDisposable
{
    private readonly string _algorithm;
    private readonly IncrementalHash? _hash;
    private Crc32C _crc = new();

    public FileChecksum(string algorithm)
    {
        _algorithm = algorithm;
        _hash = algorithm switch
        {
            "SHA256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
            "SHA384" => IncrementalHash.CreateHash(HashAlgorithmName.SHA384),
            "SHA512" => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
            _ => null,
        };
    }

    /// <summary>Whether pgward can check this algorithm (<c>NONE</c> and <c>SHA224</c> are skipped: nothing to
    /// compare, or no SHA-224 in .NET).</summary>
    public static bool Supports(string algorithm) => algorithm is "CRC32C" or "SHA256" or "SHA384" or "SHA512";

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_hash is not null)
        {
            _hash.AppendData(data);
        }
        else
        {
            _crc.Append(data);
        }
    }

    public string ToManifestHex() => _algorithm == "CRC32C" ? _crc.ToManifestHex() : Convert.ToHexStringLower(_hash!.GetHashAndReset());

    public void Dispose() => _hash?.Dispose();
}
