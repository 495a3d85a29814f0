namespace MeshInterop.Federation;

/// <summary>
/// A trust bundle given statically: PEM CA certificates or a SPIFFE bundle document (JWKS), inline or from a file.
/// At most one of the four may be set.
/// </summary>
public sealed class MeshFederationTrustBundleOptions
{
    /// <summary>Gets or sets PEM-encoded CA certificates.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Pem { get; set; }

    /// <summary>Gets or sets the path of a file of PEM-encoded CA certificates.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? PemFile { get; set; }

    /// <summary>Gets or sets a SPIFFE bundle document (JWKS with <c>x509-svid</c> keys).</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Json { get; set; }

    /// <summary>Gets or sets the path of a SPIFFE bundle document.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? JsonFile { get; set; }
}
