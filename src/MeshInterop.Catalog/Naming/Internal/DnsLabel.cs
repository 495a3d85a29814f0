using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace MeshInterop.Catalog.Naming.Internal;

/// <summary>
/// DNS-1123 label rules (RFC 1123 as Kubernetes applies them): lower-case ASCII letters, digits and '-',
/// starting and ending with a letter or digit, at most 63 characters.
/// </summary>
internal static class DnsLabel
{
    internal const int MaxLength = 63;
    internal const int MaxNameLength = 253;

    // 8 base32 characters = 40 bits of SHA-256: a collision between two truncated names needs ~10^6 names
    // sharing a 54-character stem before it becomes likely, and the view still reports it if it happens.
    internal const int HashLength = 8;

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    internal static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength || !IsAlphanumeric(value[0]) || !IsAlphanumeric(value[^1]))
            return false;
        foreach (var c in value)
            if (!IsAlphanumeric(c) && c != '-')
                return false;
        return true;
    }

    internal static bool IsValidName(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxNameLength)
            return false;
        foreach (var range in value.Split('.'))
            if (!IsValid(value[range]))
                return false;
        return true;
    }

    internal static bool IsAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

    /// <summary>Lower-cases ASCII letters and replaces every other character outside [a-z0-9-] with '-'.</summary>
    internal static void Fold(ReadOnlySpan<char> source, StringBuilder destination)
    {
        foreach (var c in source)
        {
            var lower = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
            destination.Append(IsAlphanumeric(lower) ? lower : '-');
        }
    }

    /// <summary>A short, stable base32 digest of <paramref name="parts"/>: the first 40 bits of SHA-256 over their UTF-8 bytes, each part followed by a NUL so that ("ab","c") and ("a","bc") differ.</summary>
    internal static string Hash(params ReadOnlySpan<string> parts)
    {
        var length = 0;
        foreach (var part in parts)
            length += Encoding.UTF8.GetByteCount(part) + 1;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var part in parts)
            {
                written += Encoding.UTF8.GetBytes(part, rented.AsSpan(written));
                rented[written++] = 0;
            }

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(rented.AsSpan(0, written), digest);
            return string.Create(HashLength, digest[..5].ToArray(), static (chars, bytes) =>
            {
                ulong bits = 0;
                foreach (var b in bytes)
                    bits = (bits << 8) | b;
                for (var i = 0; i < chars.Length; i++)
                    chars[i] = Base32Alphabet[(int)((bits >> (35 - (5 * i))) & 31)];
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
