using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Testing.Pki;

/// <summary>
/// A real signing certificate (root or intermediate) with its private key, minting further CAs and leaves with
/// <see cref="CertificateRequest"/>. Extensions are written by hand where the BCL would normalise them (URI SANs).
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static int _serial;

    private TestCertificateAuthority(string trustDomain, X509Certificate2 certificate, AsymmetricAlgorithm key, TestCertificateAuthority? parent)
    {
        TrustDomain = trustDomain;
        Certificate = certificate;
        Key = key;
        Parent = parent;
    }

    /// <summary>Gets the reference "now" of every test certificate: validity windows are placed around it.</summary>
    public static DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());

    public string TrustDomain { get; }

    /// <summary>Gets the CA certificate, carrying its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public TestCertificateAuthority? Parent { get; }

    internal AsymmetricAlgorithm Key { get; }

    /// <summary>Gets the signing certificates from this CA up to, but excluding, the root (what a peer presents).</summary>
    public IReadOnlyList<X509Certificate2> IntermediatesToRoot
    {
        get
        {
            var list = new List<X509Certificate2>();
            for (var ca = this; ca.Parent is not null; ca = ca.Parent)
                list.Add(ca.Certificate);
            return list;
        }
    }

    /// <summary>Gets the self-signed root at the top of this CA's chain.</summary>
    public TestCertificateAuthority Root
    {
        get
        {
            var ca = this;
            while (ca.Parent is not null)
                ca = ca.Parent;
            return ca;
        }
    }

    public static TestCertificateAuthority CreateRoot(string trustDomain, TestCaOptions? options = null)
    {
        options ??= new TestCaOptions();
        var key = CreateKey(options.Key);
        var subject = new X500DistinguishedName(options.Subject ?? $"CN={trustDomain} Root CA {Interlocked.Increment(ref _serial)}, O=SPIFFE");
        var request = CreateRequest(subject, key);
        AddCaExtensions(request, key, options, trustDomain, issuer: null);
        var notBefore = options.NotBefore ?? Now.AddDays(-30);
        var notAfter = options.NotAfter ?? Now.AddYears(5);
        var generator = CreateGenerator(key);
        var certificate = request.Create(subject, generator, notBefore, notAfter, NextSerial());
        return new TestCertificateAuthority(trustDomain, AttachKey(certificate, key), key, parent: null);
    }

    public TestCertificateAuthority CreateIntermediate(TestCaOptions? options = null, string? trustDomain = null)
    {
        options ??= new TestCaOptions();
        trustDomain ??= TrustDomain;
        var key = CreateKey(options.Key);
        var subject = new X500DistinguishedName(options.Subject ?? $"CN={trustDomain} Intermediate CA {Interlocked.Increment(ref _serial)}, O=SPIFFE");
        var request = CreateRequest(subject, key);
        AddCaExtensions(request, key, options, trustDomain, issuer: this);
        var notBefore = options.NotBefore ?? Now.AddDays(-20);
        var notAfter = options.NotAfter ?? Now.AddYears(2);
        var generator = CreateGenerator(Key);
        var certificate = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, NextSerial());
        return new TestCertificateAuthority(trustDomain, AttachKey(certificate, key), key, this);
    }

    /// <summary>Issues a conformant X.509-SVID for <c>spiffe://{TrustDomain}{path}</c>.</summary>
    public TestSvid IssueSvid(string path, TestLeafOptions? options = null) =>
        Issue((options ?? new TestLeafOptions()) with { UriSans = [$"spiffe://{TrustDomain}{path}"] });

    /// <summary>Issues a leaf exactly as <paramref name="options"/> describes, defects included.</summary>
    public TestSvid Issue(TestLeafOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = CreateKey(options.Key);
        var request = CreateRequest(new X500DistinguishedName(options.Subject), key);
        if (options.CertificateAuthority is bool ca)
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, critical: true));
        if (options.KeyUsage is X509KeyUsageFlags usage)
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, options.KeyUsageCritical));
        if (options.ExtendedKeyUsages is { } ekus)
        {
            var oids = new OidCollection();
            foreach (var oid in ekus)
                oids.Add(new Oid(oid));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        }

        if (options.IncludeSubjectKeyIdentifier)
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        if (options.IncludeAuthorityKeyIdentifier)
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        if (!options.OmitSubjectAlternativeName)
        {
            var san = EncodeSubjectAlternativeName(options.UriSans.Select(s => System.Text.Encoding.UTF8.GetBytes(s)).Concat(options.RawUriSans), options.DnsNames, options.IpAddresses);
            request.CertificateExtensions.Add(new X509Extension(TestOids.SubjectAlternativeName, san, options.SubjectAlternativeNameCritical));
            if (options.DuplicateSubjectAlternativeName)
                request.CertificateExtensions.Add(new X509Extension(DuplicateSanPlaceholderOid, san, options.SubjectAlternativeNameCritical));
        }

        if (options.UnknownCriticalExtensionOid is { } unknown)
            request.CertificateExtensions.Add(new X509Extension(unknown, new byte[] { 0x05, 0x00 }, critical: true));

        var notBefore = options.NotBefore ?? Now.AddDays(-1);
        var notAfter = options.NotAfter ?? Now.AddDays(1);
        var generator = CreateGenerator(Key);
        var certificate = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, NextSerial());
        if (options.DuplicateSubjectAlternativeName)
            certificate = RewriteDuplicateSan(certificate);
        return new TestSvid(AttachKey(certificate, key), [.. IntermediatesToRoot], this);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }

    /// <summary>Encodes GeneralNames with each URI written as raw [6] bytes, so nothing normalises them.</summary>
    public static byte[] EncodeSubjectAlternativeName(IEnumerable<byte[]> uris, IEnumerable<string> dnsNames, IEnumerable<System.Net.IPAddress>? ipAddresses = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var dns in dnsNames)
                writer.WriteOctetString(System.Text.Encoding.ASCII.GetBytes(dns), new Asn1Tag(TagClass.ContextSpecific, 2));
            foreach (var ip in ipAddresses ?? [])
                writer.WriteOctetString(ip.GetAddressBytes(), new Asn1Tag(TagClass.ContextSpecific, 7));
            foreach (var uri in uris)
                writer.WriteOctetString(uri, new Asn1Tag(TagClass.ContextSpecific, 6));
        }

        return writer.Encode();
    }

    // CertificateRequest refuses duplicate extensions, so the second SAN is written under issuerAltName
    // (same encoded length) and its OID byte patched afterwards. The signature no longer verifies, which is fine:
    // a verifier must reject the certificate for the duplicate before it ever checks a signature.
    private const string DuplicateSanPlaceholderOid = "2.5.29.18";

    private static X509Certificate2 RewriteDuplicateSan(X509Certificate2 certificate)
    {
        var der = certificate.RawData;
        ReadOnlySpan<byte> placeholder = [0x06, 0x03, 0x55, 0x1D, 0x12];
        var at = der.AsSpan().IndexOf(placeholder);
        if (at < 0)
            throw new InvalidOperationException("The placeholder extension was not found.");
        der[at + 4] = 0x11;
        return X509CertificateLoader.LoadCertificate(der);
    }

    private static void AddCaExtensions(CertificateRequest request, AsymmetricAlgorithm key, TestCaOptions options, string trustDomain, TestCertificateAuthority? issuer)
    {
        if (options.CertificateAuthority is bool ca)
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, critical: true));
        if (options.KeyUsage is X509KeyUsageFlags usage)
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        if (options.IncludeSubjectKeyIdentifier)
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        if (issuer is not null && options.IncludeAuthorityKeyIdentifier)
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var uris = options.UriSans ?? [$"spiffe://{trustDomain}"];
        if (uris.Count > 0)
        {
            var san = EncodeSubjectAlternativeName(uris.Select(s => System.Text.Encoding.UTF8.GetBytes(s)), []);
            request.CertificateExtensions.Add(new X509Extension(TestOids.SubjectAlternativeName, san, critical: false));
        }

        if (options.PermittedUriDomains is { } permitted)
            request.CertificateExtensions.Add(new X509Extension("2.5.29.30", EncodeUriNameConstraints(permitted), critical: true));
        _ = key;
    }

    private static byte[] EncodeUriNameConstraints(IReadOnlyList<string> permittedHosts)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            foreach (var host in permittedHosts)
            {
                using (writer.PushSequence())
                    writer.WriteOctetString(System.Text.Encoding.ASCII.GetBytes(host), new Asn1Tag(TagClass.ContextSpecific, 6));
            }
        }

        return writer.Encode();
    }

    private static AsymmetricAlgorithm CreateKey(TestKeyType type) => type switch
    {
        TestKeyType.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        TestKeyType.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        TestKeyType.Rsa2048 => RSA.Create(2048),
        TestKeyType.EcdsaSecp256k1 => ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1")),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static CertificateRequest CreateRequest(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    private static X509SignatureGenerator CreateGenerator(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    private static X509Certificate2 AttachKey(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        using (certificate)
        {
            return key switch
            {
                ECDsa ecdsa => certificate.CopyWithPrivateKey(ecdsa),
                RSA rsa => certificate.CopyWithPrivateKey(rsa),
                _ => throw new ArgumentOutOfRangeException(nameof(key)),
            };
        }
    }

    private static byte[] NextSerial()
    {
        var serial = new BigInteger(Interlocked.Increment(ref _serial)) + ((BigInteger)RandomNumberGenerator.GetInt32(1, int.MaxValue) << 32);
        return serial.ToByteArray(isUnsigned: true, isBigEndian: true);
    }
}
