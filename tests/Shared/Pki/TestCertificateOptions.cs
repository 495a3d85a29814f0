using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Testing.Pki;

/// <summary>Key algorithms the test PKI can mint.</summary>
public enum TestKeyType
{
    EcdsaP256,
    EcdsaP384,
    Rsa2048,

    /// <summary>A curve SPIFFE verifiers must refuse (secp256k1).</summary>
    EcdsaSecp256k1,
}

/// <summary>What a test signing certificate (root or intermediate) looks like; defaults are a conformant SPIFFE CA.</summary>
public sealed record TestCaOptions
{
    /// <summary>Subject DN; null gives a unique "CN=... CA n, O=SPIFFE". Rotation tests pass the same subject twice.</summary>
    public string? Subject { get; init; }

    public TestKeyType Key { get; init; } = TestKeyType.EcdsaP256;

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Null omits basicConstraints entirely.</summary>
    public bool? CertificateAuthority { get; init; } = true;

    /// <summary>Null omits the key usage extension.</summary>
    public X509KeyUsageFlags? KeyUsage { get; init; } = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature;

    public bool IncludeSubjectKeyIdentifier { get; init; } = true;

    /// <summary>Only meaningful for intermediates.</summary>
    public bool IncludeAuthorityKeyIdentifier { get; init; } = true;

    /// <summary>Raw URI SAN strings for the CA; by default the trust domain ID (<c>spiffe://td</c>).</summary>
    public IReadOnlyList<string>? UriSans { get; init; }

    /// <summary>Permitted URI name-constraint subtrees (host names); null writes no nameConstraints extension.</summary>
    public IReadOnlyList<string>? PermittedUriDomains { get; init; }
}

/// <summary>What a test leaf looks like; defaults are a conformant X.509-SVID, each property switches on one defect.</summary>
public sealed record TestLeafOptions
{
    /// <summary>URI SANs written byte for byte as IA5String (never through System.Uri), in order.</summary>
    public IReadOnlyList<string> UriSans { get; init; } = [];

    /// <summary>Extra URI SANs written as raw bytes (for non-ASCII content), after <see cref="UriSans"/>.</summary>
    public IReadOnlyList<byte[]> RawUriSans { get; init; } = [];

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>IP address SANs (for Web PKI server certificates in bundle endpoint tests).</summary>
    public IReadOnlyList<System.Net.IPAddress> IpAddresses { get; init; } = [];

    /// <summary>Writes no subjectAltName extension at all.</summary>
    public bool OmitSubjectAlternativeName { get; init; }

    public bool SubjectAlternativeNameCritical { get; init; }

    /// <summary>Writes the subjectAltName extension twice (RFC 5280 forbids it); the certificate signature is then invalid.</summary>
    public bool DuplicateSubjectAlternativeName { get; init; }

    public string Subject { get; init; } = "O=SPIFFE";

    public TestKeyType Key { get; init; } = TestKeyType.EcdsaP256;

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Null omits basicConstraints (which RFC 5280 reads as cA=false).</summary>
    public bool? CertificateAuthority { get; init; } = false;

    /// <summary>Null omits the key usage extension.</summary>
    public X509KeyUsageFlags? KeyUsage { get; init; } = X509KeyUsageFlags.DigitalSignature;

    public bool KeyUsageCritical { get; init; } = true;

    /// <summary>EKU OIDs; null omits the extension. Default: serverAuth and clientAuth .</summary>
    public IReadOnlyList<string>? ExtendedKeyUsages { get; init; } = [TestOids.ServerAuth, TestOids.ClientAuth];

    public bool IncludeAuthorityKeyIdentifier { get; init; } = true;

    public bool IncludeSubjectKeyIdentifier { get; init; } = true;

    /// <summary>Adds a critical extension with this OID that no verifier understands.</summary>
    public string? UnknownCriticalExtensionOid { get; init; }
}

/// <summary>OIDs used by the tests.</summary>
public static class TestOids
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    public const string SubjectAlternativeName = "2.5.29.17";
}
