using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.Internal;

namespace MeshInterop.Identity.X509;

/// <summary>
/// An X.509-SVID this process presents: the leaf with its private key plus the intermediates to send after it.
/// Instances are immutable; rotation replaces the instance (see <see cref="IX509SvidSource"/>).
/// </summary>
public sealed class X509Svid : IDisposable
{
    private readonly Lazy<SslStreamCertificateContext> _context;

    private X509Svid(SpiffeId id, X509Certificate2 certificate, X509Certificate2[] intermediates)
    {
        SpiffeId = id;
        Certificate = certificate;
        Intermediates = intermediates;
        NotBefore = new DateTimeOffset(certificate.NotBefore);
        var notAfter = new DateTimeOffset(certificate.NotAfter);
        foreach (var intermediate in intermediates)
        {
            var candidate = new DateTimeOffset(intermediate.NotAfter);
            if (candidate < notAfter)
                notAfter = candidate;
        }

        NotAfter = notAfter;
        _context = new Lazy<SslStreamCertificateContext>(CreateContext, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the SPIFFE ID in the leaf's URI SAN.</summary>
    public SpiffeId SpiffeId { get; }

    /// <summary>Gets the leaf certificate, which carries the private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Gets the intermediates sent after the leaf, leaf-nearest first.</summary>
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>Gets the leaf's NotBefore.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>Gets the earliest NotAfter of the leaf and its intermediates.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>Gets the TLS credential (leaf, key and intermediates) for this SVID, created once per instance and shared by every handshake.</summary>
    public SslStreamCertificateContext CertificateContext => _context.Value;

    /// <summary>Creates an SVID from a leaf that carries its private key, checking the SVID profile (reference 2.7).</summary>
    /// <param name="certificate">The leaf certificate with its private key.</param>
    /// <param name="intermediates">The intermediates to present after the leaf, leaf-nearest first.</param>
    /// <returns>The SVID; it takes ownership of neither argument.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is <see langword="null"/>.</exception>
    /// <exception cref="X509SvidLoadException">The certificates are not a valid SVID, or the private key is missing.</exception>
    public static X509Svid Create(X509Certificate2 certificate, IEnumerable<X509Certificate2>? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
            throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The SVID leaf certificate has no private key.");
        X509Certificate2[] chain = intermediates is null ? [] : [.. intermediates];
        return Validate(certificate, chain);
    }

    /// <summary>Loads an SVID from PEM: certificates (leaf first) and an unencrypted PKCS#8 private key.</summary>
    /// <param name="certificatesPem">One or more <c>CERTIFICATE</c> blocks, leaf first.</param>
    /// <param name="privateKeyPem">A <c>PRIVATE KEY</c> block (PKCS#8, unencrypted).</param>
    /// <returns>The SVID.</returns>
    /// <exception cref="X509SvidLoadException">The PEM is malformed, the key is encrypted or does not match, or the SVID profile is broken.</exception>
    public static X509Svid LoadPem(ReadOnlySpan<char> certificatesPem, ReadOnlySpan<char> privateKeyPem)
    {
        var certificates = new List<X509Certificate2>();
        var rest = certificatesPem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out _))
                    throw new X509SvidLoadException(X509SvidFailure.MalformedCertificate, $"Certificate PEM block {certificates.Count} has invalid base64.");
                certificates.Add(LoadDer(der, certificates.Count));
            }

            rest = rest[fields.Location.End..];
        }

        if (certificates.Count == 0)
            throw new X509SvidLoadException(X509SvidFailure.EmptyChain, "The certificate PEM holds no CERTIFICATE block.");

        using var key = ImportPrivateKey(privateKeyPem, certificates[0]);
        X509Certificate2 leaf;
        try
        {
            leaf = key switch
            {
                ECDsa ecdsa => certificates[0].CopyWithPrivateKey(ecdsa),
                RSA rsa => certificates[0].CopyWithPrivateKey(rsa),
                _ => throw new X509SvidLoadException(X509SvidFailure.UnsupportedKeyAlgorithm, "The SVID key is neither EC nor RSA."),
            };
        }
        catch (ArgumentException ex)
        {
            throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The private key does not match the SVID leaf certificate's public key.", ex);
        }

        certificates[0].Dispose();

        // SChannel cannot use an ephemeral key as a TLS credential (reference 5.1 #15).
        if (OperatingSystem.IsWindows())
        {
            var ephemeral = leaf;
            using (ephemeral)
                leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        return Validate(leaf, [.. certificates.Skip(1)]);
    }

    /// <summary>Loads an SVID from a certificate PEM file and a private key PEM file.</summary>
    /// <param name="certificatesPath">The path of the certificate chain PEM, leaf first.</param>
    /// <param name="privateKeyPath">The path of the PKCS#8 private key PEM.</param>
    /// <returns>The SVID.</returns>
    /// <exception cref="X509SvidLoadException">The files do not hold a valid SVID.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static X509Svid LoadPemFiles(string certificatesPath, string privateKeyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatesPath);
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPath);
        return LoadPem(ReadCapped(certificatesPath), ReadCapped(privateKeyPath));
    }

    /// <summary>Loads an SVID from PKCS#12 data: the certificate with a private key is the leaf, the others its chain.</summary>
    /// <param name="data">The PKCS#12 (PFX) bytes.</param>
    /// <param name="password">The password, or <see langword="null"/>.</param>
    /// <returns>The SVID.</returns>
    /// <exception cref="X509SvidLoadException">The data is not PKCS#12, holds no single keyed leaf, or breaks the SVID profile.</exception>
    public static X509Svid LoadPkcs12(ReadOnlySpan<byte> data, string? password)
    {
        X509Certificate2Collection collection;
        try
        {
            // Ephemeral keys never touch disk on Linux; Windows and macOS need persisted keys for TLS.
            var flags = OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;
            collection = X509CertificateLoader.LoadPkcs12Collection(data, password, flags);
        }
        catch (CryptographicException ex)
        {
            throw new X509SvidLoadException(X509SvidFailure.MalformedCertificate, "The PKCS#12 data cannot be read (wrong password or not PKCS#12).", ex);
        }

        X509Certificate2? leaf = null;
        foreach (var certificate in collection)
        {
            if (!certificate.HasPrivateKey)
                continue;
            if (leaf is not null)
                throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The PKCS#12 data holds more than one certificate with a private key; it must hold exactly the SVID leaf's.");
            leaf = certificate;
        }

        if (leaf is null)
            throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The PKCS#12 data holds no certificate with a private key.");

        // PKCS#12 bags are unordered: walk issuer links from the leaf so intermediates go out leaf-nearest first.
        var remaining = collection.Where(c => !ReferenceEquals(c, leaf)).ToList();
        var ordered = new List<X509Certificate2>(remaining.Count);
        var current = leaf;
        while (remaining.Count > 0)
        {
            var issuer = remaining.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (issuer is null || ReferenceEquals(issuer, current))
                break;
            ordered.Add(issuer);
            remaining.Remove(issuer);
            current = issuer;
        }

        ordered.AddRange(remaining);
        return Validate(leaf, [.. ordered]);
    }

    /// <summary>Loads an SVID from a PKCS#12 file.</summary>
    /// <param name="path">The path of the PKCS#12 file.</param>
    /// <param name="password">The password, or <see langword="null"/>.</param>
    /// <returns>The SVID.</returns>
    /// <exception cref="X509SvidLoadException">The file does not hold a valid SVID.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static X509Svid LoadPkcs12File(string path, string? password)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxFileBytes)
            throw new X509SvidLoadException(X509SvidFailure.MalformedCertificate, $"'{path}' is larger than {MaxFileBytes} bytes; it is not an SVID.");
        return LoadPkcs12(File.ReadAllBytes(path), password);
    }

    /// <summary>Gets a value indicating whether the leaf and its intermediates are all within their validity at <paramref name="time"/>.</summary>
    /// <param name="time">The instant to check.</param>
    /// <returns><see langword="true"/> when the SVID may be presented at that time.</returns>
    public bool IsValidAt(DateTimeOffset time) => time >= NotBefore && time < NotAfter;

    /// <summary>Releases the certificates and the TLS credential.</summary>
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var intermediate in Intermediates)
            intermediate.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"X.509-SVID '{SpiffeId}' valid until {NotAfter:O}";

    private const int MaxFileBytes = 1024 * 1024;

    private static string ReadCapped(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxFileBytes)
            throw new X509SvidLoadException(X509SvidFailure.MalformedCertificate, $"'{path}' is larger than {MaxFileBytes} bytes; it is not an SVID.");
        return File.ReadAllText(path);
    }

    private static X509Certificate2 LoadDer(byte[] der, int index)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new X509SvidLoadException(X509SvidFailure.MalformedCertificate, $"Certificate {index} is not a valid DER certificate.", ex);
        }
    }

    private static AsymmetricAlgorithm ImportPrivateKey(ReadOnlySpan<char> pem, X509Certificate2 leaf)
    {
        var rest = pem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label.SequenceEqual("ENCRYPTED PRIVATE KEY"))
                throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The SVID private key is encrypted; SVID keys must be unencrypted PKCS#8.");
            if (label.SequenceEqual("PRIVATE KEY"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out _))
                    throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The private key PEM has invalid base64.");
                try
                {
                    AsymmetricAlgorithm key = leaf.PublicKey.Oid.Value switch
                    {
                        "1.2.840.10045.2.1" => ECDsa.Create(),
                        "1.2.840.113549.1.1.1" => RSA.Create(),
                        _ => throw new X509SvidLoadException(X509SvidFailure.UnsupportedKeyAlgorithm, $"The SVID leaf key algorithm '{leaf.PublicKey.Oid.Value}' is not EC or RSA."),
                    };
                    key.ImportPkcs8PrivateKey(der, out _);
                    return key;
                }
                catch (CryptographicException ex)
                {
                    throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The private key is not a PKCS#8 key of the leaf certificate's algorithm.", ex);
                }
            }

            rest = rest[fields.Location.End..];
        }

        throw new X509SvidLoadException(X509SvidFailure.InvalidPrivateKey, "The private key PEM holds no PRIVATE KEY (PKCS#8) block.");
    }

    private static X509Svid Validate(X509Certificate2 leaf, X509Certificate2[] intermediates)
    {
        // The leaf rules of the peer path apply to what we present (reference 2.7); EKU is the issuer's business here.
        var failure = SvidProfile.CheckLeaf(leaf, new X509SvidValidatorOptions(), out var facts);
        for (var i = 0; failure is null && i < intermediates.Length; i++)
            failure = SvidProfile.CheckSigningCertificate(intermediates[i], i + 1, facts.Id, strictIssuerProfile: false);
        if (failure is not null)
            throw new X509SvidLoadException(failure.Failure, $"The certificate is not a valid X.509-SVID: {failure.Reason}.");
        return new X509Svid(facts.Id, leaf, intermediates);
    }

    private SslStreamCertificateContext CreateContext() =>
        SslStreamCertificateContext.Create(Certificate, [.. Intermediates], offline: true);
}
