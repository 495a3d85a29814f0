namespace MeshInterop.Federation;

/// <summary>A peer's SPIFFE federation bundle endpoint, polled for its current trust bundle.</summary>
public sealed class MeshFederationBundleEndpointOptions
{
    /// <summary>Gets or sets the endpoint URL.</summary>
    /// <value>Default: <see langword="null"/>, the bundle is static. An absolute <c>https</c> URI without user information.</value>
    public string? Url { get; set; }

    /// <summary>Gets or sets the endpoint profile: <c>https_spiffe</c> or <c>https_web</c>.</summary>
    /// <value>Required with <see cref="Url"/>; never inferred.</value>
    public string? Profile { get; set; }

    /// <summary>
    /// Gets or sets the SPIFFE ID the endpoint presents (<c>https_spiffe</c> only). When it is in the peer's trust
    /// domain, the peer's static <see cref="MeshFederationPeerOptions.TrustBundle"/> is the bootstrap bundle.
    /// </summary>
    /// <value>Required with <c>https_spiffe</c>.</value>
    public string? EndpointSpiffeId { get; set; }
}
