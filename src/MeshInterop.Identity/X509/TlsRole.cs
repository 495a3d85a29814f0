namespace MeshInterop.Identity.X509;

/// <summary>The TLS role in which a peer presents its certificate; selects the extended key usage that must be present.</summary>
public enum TlsRole
{
    /// <summary>The role is unknown; extended key usage is not checked.</summary>
    Unspecified = 0,

    /// <summary>The peer is a TLS server (its EKU, when present, must allow serverAuth).</summary>
    Server,

    /// <summary>The peer is a TLS client (its EKU, when present, must allow clientAuth).</summary>
    Client,
}
