using System.Security.Cryptography.X509Certificates;
using System.Text;
using MeshInterop.Identity.X509;

namespace MeshInterop.Identity.Internal;

/// <summary>
/// The X.509-SVID profile checks the platform chain engine does not make (reference 2.1, 2.2): X509Chain happily
/// builds for a CA used as a leaf, a leaf without digitalSignature, several URI SANs or a root-path ID.
/// </summary>
internal static class SvidProfile
{
    private const string BasicConstraintsOid = "2.5.29.19";
    private const string KeyUsageOid = "2.5.29.15";
    private const string ExtendedKeyUsageOid = "2.5.29.37";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string AnyExtendedKeyUsageOid = "2.5.29.37.0";
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    // DER OIDs of the named curves MeshInterop accepts: P-256, P-384, P-521.
    private static readonly byte[] P256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private static readonly byte[] P384 = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];
    private static readonly byte[] P521 = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23];

    /// <summary>The leaf facts that later checks (and cache hits) need.</summary>
    internal readonly record struct LeafFacts(SpiffeId Id, bool HasEku, bool EkuServer, bool EkuClient);

    /// <summary>Runs X-1 … X-5 and the key algorithm check on a leaf, cheapest first. Returns null when the leaf passes.</summary>
    public static X509SvidValidationResult? CheckLeaf(X509Certificate2 leaf, X509SvidValidatorOptions options, out LeafFacts facts)
    {
        facts = default;

        // X-1: exactly one URI SAN, read from the raw extension bytes.
        switch (UriSanReader.TryReadSingle(leaf, out var uri, out var sanCritical))
        {
            case UriSanStatus.None:
                return X509SvidValidationResult.Fail(X509SvidFailure.NoUriSan, "the leaf certificate has no URI SAN (X-1)", certificateIndex: 0);
            case UriSanStatus.Multiple:
                return X509SvidValidationResult.Fail(X509SvidFailure.MultipleUriSans, "the leaf certificate has more than one URI SAN (X-1)", certificateIndex: 0);
            case UriSanStatus.Malformed:
                return X509SvidValidationResult.Fail(X509SvidFailure.MalformedCertificate, "the leaf certificate's subjectAltName extension is duplicated or not valid DER", certificateIndex: 0);
        }

        // X-2: strict parse of the signed bytes; never through System.Uri.
        if (!SpiffeId.TryParse(uri.Span, options.IdParseOptions, out var id, out var idError, out var at))
        {
            return X509SvidValidationResult.Fail(
                X509SvidFailure.InvalidSpiffeId,
                $"the leaf URI SAN '{Printable(uri.Span)}' is not a valid SPIFFE ID: {idError} at index {at} (X-2)",
                certificateIndex: 0,
                idError: idError);
        }

        // X-3: a trust domain's own ID is never a workload identity.
        if (id.IsRootPath)
            return X509SvidValidationResult.Fail(X509SvidFailure.RootPathId, $"the leaf SPIFFE ID '{id}' has no path (X-3)", id, 0);

        var hasBasicConstraints = false;
        X509KeyUsageExtension? keyUsage = null;
        X509EnhancedKeyUsageExtension? eku = null;
        foreach (var extension in leaf.Extensions)
        {
            switch (extension.Oid?.Value)
            {
                case BasicConstraintsOid:
                    hasBasicConstraints = true;
                    if (extension is X509BasicConstraintsExtension { CertificateAuthority: true })
                        return X509SvidValidationResult.Fail(X509SvidFailure.LeafIsCa, $"the leaf certificate of '{id}' is a CA certificate (cA=true, X-4, X-8)", id, 0);
                    break;
                case KeyUsageOid:
                    keyUsage = extension as X509KeyUsageExtension;
                    break;
                case ExtendedKeyUsageOid:
                    eku = extension as X509EnhancedKeyUsageExtension;
                    break;
            }
        }

        if (!hasBasicConstraints && options.RequireBasicConstraints)
            return X509SvidValidationResult.Fail(X509SvidFailure.MissingBasicConstraints, $"the leaf certificate of '{id}' has no basicConstraints extension (X-4)", id, 0);

        // X-5: KU present, digitalSignature set, never keyCertSign or cRLSign.
        if (keyUsage is null)
            return X509SvidValidationResult.Fail(X509SvidFailure.MissingKeyUsage, $"the leaf certificate of '{id}' has no key usage extension (X-5)", id, 0);
        var usages = keyUsage.KeyUsages;
        if ((usages & X509KeyUsageFlags.KeyCertSign) != 0)
            return X509SvidValidationResult.Fail(X509SvidFailure.LeafHasKeyCertSign, $"the leaf certificate of '{id}' has keyCertSign (X-5)", id, 0);
        if ((usages & X509KeyUsageFlags.CrlSign) != 0)
            return X509SvidValidationResult.Fail(X509SvidFailure.LeafHasCrlSign, $"the leaf certificate of '{id}' has cRLSign (X-5)", id, 0);
        if ((usages & X509KeyUsageFlags.DigitalSignature) == 0)
            return X509SvidValidationResult.Fail(X509SvidFailure.MissingDigitalSignature, $"the leaf certificate of '{id}' lacks digitalSignature (X-5)", id, 0);
        if (!keyUsage.Critical && options.RequireCriticalKeyUsage)
            return X509SvidValidationResult.Fail(X509SvidFailure.KeyUsageNotCritical, $"the key usage extension of '{id}' is not critical (X-5)", id, 0);

        if (!IsSupportedKey(leaf))
            return X509SvidValidationResult.Fail(X509SvidFailure.UnsupportedKeyAlgorithm, $"the leaf key of '{id}' is not RSA or EC P-256/P-384/P-521", id, 0);

        // X-6 binds the issuer; checked only on request.
        if (options.StrictIssuerProfile && leaf.SubjectName.RawData.Length <= 2 && !sanCritical)
            return X509SvidValidationResult.Fail(X509SvidFailure.InvalidIssuerProfile, $"the leaf of '{id}' has an empty subject but a non-critical SAN (X-6)", id, 0);

        var server = false;
        var client = false;
        if (eku is not null)
        {
            foreach (var oid in eku.EnhancedKeyUsages)
            {
                switch (oid.Value)
                {
                    case ServerAuthOid: server = true; break;
                    case ClientAuthOid: client = true; break;
                    case AnyExtendedKeyUsageOid: server = client = true; break;
                }
            }
        }

        facts = new LeafFacts(id, eku is not null, server, client);
        return null;
    }

    /// <summary>Applies the EKU policy (reference 2.5) for the role the leaf is presented in.</summary>
    public static X509SvidValidationResult? CheckEku(in LeafFacts facts, EkuPolicy policy, TlsRole role)
    {
        if (!facts.HasEku || policy == EkuPolicy.Ignore)
            return null;
        var permitted = policy switch
        {
            EkuPolicy.RequireBothWhenPresent => facts.EkuServer && facts.EkuClient,
            _ => role switch
            {
                TlsRole.Server => facts.EkuServer,
                TlsRole.Client => facts.EkuClient,
                _ => true,
            },
        };
        return permitted
            ? null
            : X509SvidValidationResult.Fail(X509SvidFailure.EkuNotPermitted, $"the extended key usage of '{facts.Id}' does not permit its use as a TLS {(role == TlsRole.Server ? "server" : "client")} (X-7)", facts.Id, 0);
    }

    /// <summary>Pre-checks each presented intermediate (reference 2.2) before any chain is built.</summary>
    public static X509SvidValidationResult? CheckSigningCertificate(X509Certificate2 certificate, int index, SpiffeId leafId, bool strictIssuerProfile)
    {
        var isCa = false;
        var canSign = false;
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509BasicConstraintsExtension basic)
                isCa = basic.CertificateAuthority;
            else if (extension is X509KeyUsageExtension usage)
                canSign = (usage.KeyUsages & X509KeyUsageFlags.KeyCertSign) != 0;
        }

        if (!isCa)
            return X509SvidValidationResult.Fail(X509SvidFailure.IntermediateNotCa, $"presented certificate {index} ('{certificate.Subject}') is not a CA certificate", leafId, index);
        if (!canSign)
            return X509SvidValidationResult.Fail(X509SvidFailure.IntermediateMissingKeyCertSign, $"presented certificate {index} ('{certificate.Subject}') lacks keyCertSign", leafId, index);
        if (strictIssuerProfile)
        {
            var status = UriSanReader.TryReadSingle(certificate, out var uri, out _);
            if (status == UriSanStatus.Malformed || status == UriSanStatus.Multiple
                || (status == UriSanStatus.One && (!SpiffeId.TryParse(uri.Span, SpiffeIdParseOptions.Strict, out var caId, out _, out _) || !caId.IsRootPath)))
            {
                return X509SvidValidationResult.Fail(X509SvidFailure.InvalidIssuerProfile, $"presented certificate {index} carries a URI SAN that is not a trust domain ID", leafId, index);
            }
        }

        return null;
    }

    private static bool IsSupportedKey(X509Certificate2 certificate)
    {
        var key = certificate.PublicKey;
        switch (key.Oid.Value)
        {
            case RsaOid:
                return true;
            case EcPublicKeyOid:
                var curve = key.EncodedParameters?.RawData is { } parameters ? parameters.AsSpan() : default;
                return curve.SequenceEqual(P256) || curve.SequenceEqual(P384) || curve.SequenceEqual(P521);
            default:
                return false;
        }
    }

    /// <summary>Renders SAN bytes for a diagnostic: ASCII as is, everything else escaped, capped in length.</summary>
    internal static string Printable(ReadOnlySpan<byte> value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 256));
        foreach (var b in value[..Math.Min(value.Length, 256)])
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\'')
                builder.Append((char)b);
            else
                builder.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (value.Length > 256)
            builder.Append('…');
        return builder.ToString();
    }
}
