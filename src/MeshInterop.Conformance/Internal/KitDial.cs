namespace MeshInterop.Conformance.Internal;

/// <summary>How the kit connects to an owner target, or presents itself to a consumer target.</summary>
internal enum KitDial
{
    /// <summary>mTLS with the kit's configured SVID, verifying the target.</summary>
    Default,

    /// <summary>TLS without a client certificate.</summary>
    NoClientCertificate,

    /// <summary>mTLS with an SVID carrying the kit's ID under a throw-away root.</summary>
    UntrustedAuthority,

    /// <summary>mTLS with the operator's foreign-trust-domain SVID.</summary>
    ForeignTrustDomain,

    /// <summary>Plaintext HTTP/2 (h2c).</summary>
    Plaintext,
}
