namespace MeshInterop.Identity.X509;

/// <summary>The rule an X.509-SVID broke. Tags in brackets refer to the SPIFFE identity reference (X-1 … X-8).</summary>
public enum X509SvidFailure
{
    /// <summary>The SVID is valid.</summary>
    None = 0,

    /// <summary>No certificate was presented.</summary>
    EmptyChain,

    /// <summary>More certificates were presented than the validator accepts (the leaf plus 15 intermediates by default).</summary>
    ChainTooLong,

    /// <summary>A certificate could not be decoded, or carries a duplicate subjectAltName extension.</summary>
    MalformedCertificate,

    /// <summary>The leaf has no URI SAN .</summary>
    NoUriSan,

    /// <summary>The leaf has more than one URI SAN, of any scheme .</summary>
    MultipleUriSans,

    /// <summary>The leaf's URI SAN is not a valid SPIFFE ID; <see cref="X509SvidValidationResult.IdError"/> says why.</summary>
    InvalidSpiffeId,

    /// <summary>The leaf's SPIFFE ID has a root path .</summary>
    RootPathId,

    /// <summary>The leaf has <c>cA</c>=true .</summary>
    LeafIsCa,

    /// <summary>The leaf has no basicConstraints extension and the options require one.</summary>
    MissingBasicConstraints,

    /// <summary>The leaf has no key usage extension .</summary>
    MissingKeyUsage,

    /// <summary>The leaf's key usage lacks <c>digitalSignature</c> (X-5).</summary>
    MissingDigitalSignature,

    /// <summary>The leaf's key usage has <c>keyCertSign</c> (X-5).</summary>
    LeafHasKeyCertSign,

    /// <summary>The leaf's key usage has <c>cRLSign</c> (X-5).</summary>
    LeafHasCrlSign,

    /// <summary>The leaf's key usage extension is not critical and the options require it to be .</summary>
    KeyUsageNotCritical,

    /// <summary>The leaf's extended key usage does not permit the TLS role it is presented in .</summary>
    EkuNotPermitted,

    /// <summary>A presented intermediate does not have <c>cA</c>=true.</summary>
    IntermediateNotCa,

    /// <summary>A presented intermediate's key usage lacks <c>keyCertSign</c>.</summary>
    IntermediateMissingKeyCertSign,

    /// <summary>A signing certificate breaks the strict issuer profile (a SPIFFE ID with a path, X-6).</summary>
    InvalidIssuerProfile,

    /// <summary>The leaf's key is not RSA or EC P-256/P-384/P-521.</summary>
    UnsupportedKeyAlgorithm,

    /// <summary>The trust-domain policy does not accept the leaf's trust domain.</summary>
    TrustDomainNotAllowed,

    /// <summary>No bundle is loaded for the leaf's trust domain.</summary>
    BundleNotFound,

    /// <summary>The bundle of the leaf's trust domain has no X.509 authorities.</summary>
    NoAuthorities,

    /// <summary>A certificate on the path has expired.</summary>
    Expired,

    /// <summary>A certificate on the path is not yet valid.</summary>
    NotYetValid,

    /// <summary>A signature on the path does not verify.</summary>
    SignatureInvalid,

    /// <summary>The chain does not lead to an authority of the leaf's trust domain.</summary>
    UntrustedChain,

    /// <summary>A signing certificate on the path is not allowed to sign (basicConstraints).</summary>
    InvalidSigningCertificate,

    /// <summary>The chain ends in a certificate that is not an authority of the leaf's trust domain.</summary>
    AnchorNotInTrustDomain,

    /// <summary>The leaf violates a name constraint of a signing certificate.</summary>
    NameConstraintViolation,

    /// <summary>A certificate on the path has a critical extension the platform does not understand.</summary>
    UnsupportedCriticalExtension,

    /// <summary>The platform chain engine reported another problem.</summary>
    ChainInvalid,

    /// <summary>The SVID is valid but the authorizer refused its SPIFFE ID.</summary>
    Unauthorized,

    /// <summary>An own SVID's private key is missing, encrypted, or does not match its leaf (loading only).</summary>
    InvalidPrivateKey,
}
