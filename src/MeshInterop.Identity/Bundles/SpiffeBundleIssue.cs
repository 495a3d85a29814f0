namespace MeshInterop.Identity.Bundles;

/// <summary>What a bundle document diagnostic is about. Each one names the rule of the SPIFFE bundle format it applies.</summary>
public enum SpiffeBundleIssue
{
    /// <summary>An entry of <c>keys</c> is not a JSON object; the entry is ignored.</summary>
    EntryNotObject = 1,

    /// <summary>An entry has no <c>use</c>; the entry is ignored.</summary>
    MissingUse,

    /// <summary>An entry's <c>use</c> is not <c>x509-svid</c> or <c>jwt-svid</c> (compared case-sensitively); the entry is ignored.</summary>
    UnknownUse,

    /// <summary>An entry's <c>use</c> is <c>wit-svid</c> (WIT-SVID, incubating), which this package does not consume; the entry is ignored.</summary>
    WitSvidEntry,

    /// <summary>An entry has no <c>kty</c>; the entry is ignored.</summary>
    MissingKeyType,

    /// <summary>An entry's <c>kty</c> is not <c>RSA</c> or <c>EC</c>; the entry is ignored.</summary>
    UnknownKeyType,

    /// <summary>An <c>x509-svid</c> entry has no <c>x5c</c>, or an empty one; the entry is ignored.</summary>
    MissingCertificate,

    /// <summary>An <c>x509-svid</c> entry's <c>x5c[0]</c> is not base64 DER of an X.509 certificate; the entry is ignored.</summary>
    UndecodableCertificate,

    /// <summary>An <c>x509-svid</c> entry's certificate is not a CA (basicConstraints <c>cA</c> not true); the entry is ignored.</summary>
    NotCertificateAuthority,

    /// <summary>An <c>x509-svid</c> entry's JWK key parameters differ from the key of its certificate; the entry is ignored.</summary>
    KeyMismatch,

    /// <summary>An <c>x509-svid</c> entry sets <c>kid</c>, which publishers must not do; tolerated, the entry is used.</summary>
    UnexpectedKeyId,

    /// <summary>An <c>x509-svid</c> entry's <c>x5c</c> holds more than one certificate; all but the first are ignored, the entry is used.</summary>
    ExtraCertificates,

    /// <summary>A <c>jwt-svid</c> entry has no <c>kid</c>, or an empty one; the entry is ignored.</summary>
    MissingKeyId,

    /// <summary>Several <c>jwt-svid</c> entries share a <c>kid</c>; every one of them is ignored, as the lookup would be ambiguous.</summary>
    DuplicateKeyId,

    /// <summary>A <c>jwt-svid</c> entry's key parameters are missing, malformed, or not a valid RSA or P-256/P-384/P-521 key; the entry is ignored.</summary>
    InvalidKeyParameters,

    /// <summary><c>spiffe_sequence</c> is not an integer from 0 to 2^64-1; it is treated as absent.</summary>
    InvalidSequence,

    /// <summary><c>spiffe_refresh_hint</c> is not a positive whole number of seconds; it is treated as absent.</summary>
    InvalidRefreshHint,
}
