using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Identity.Internal;

/// <summary>What <see cref="UriSanReader"/> found in a certificate's subjectAltName extension.</summary>
internal enum UriSanStatus
{
    One,
    None,
    Multiple,
    Malformed,
}

/// <summary>
/// Reads URI SANs from the raw DER of extension 2.5.29.17. The BCL is no help here: <c>GetNameInfo(UrlName)</c>
/// returns only the first URI and <see cref="Uri"/> normalises what the issuer signed.
/// </summary>
internal static class UriSanReader
{
    internal const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>Finds the single URI SAN of <paramref name="certificate"/>, counting URIs of every scheme.</summary>
    public static UriSanStatus TryReadSingle(X509Certificate2 certificate, out ReadOnlyMemory<byte> uri, out bool sanCritical)
    {
        uri = default;
        sanCritical = false;
        X509Extension? san = null;
        foreach (var extension in certificate.Extensions)
        {
            if (!string.Equals(extension.Oid?.Value, SubjectAlternativeNameOid, StringComparison.Ordinal))
                continue;
            if (san is not null)
                return UriSanStatus.Malformed;       // RFC 5280: an extension appears at most once
            san = extension;
        }

        if (san is null)
            return UriSanStatus.None;
        sanCritical = san.Critical;
        return ReadSingle(san.RawData, out uri);
    }

    /// <summary>Counts the [6] entries of a DER GeneralNames value and returns the only one's IA5String bytes.</summary>
    public static UriSanStatus ReadSingle(ReadOnlyMemory<byte> generalNames, out ReadOnlyMemory<byte> uri)
    {
        uri = default;
        var count = 0;
        try
        {
            var reader = new AsnReader(generalNames, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            if (reader.HasData)
                return UriSanStatus.Malformed;
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriTag))
                {
                    if (!names.TryReadPrimitiveCharacterStringBytes(UriTag, out var bytes))
                        return UriSanStatus.Malformed;   // a constructed encoding is not DER
                    if (++count == 1)
                        uri = bytes;
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            return UriSanStatus.Malformed;
        }

        return count switch
        {
            0 => UriSanStatus.None,
            1 => UriSanStatus.One,
            _ => UriSanStatus.Multiple,
        };
    }
}
