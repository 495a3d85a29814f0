using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;

namespace MeshInterop.Federation;

/// <summary>One federation partner: where its agent listens, how to trust it, and what flows each way.</summary>
public sealed class MeshFederationPeerOptions
{
    /// <summary>Gets or sets the stable name of the peer, used in import names, status, logs and metrics.</summary>
    /// <value>Required: a DNS label (lower-case letters, digits and '-', at most 63 characters), unique among peers.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the address of the peer agent's federation listener, for example <c>https://agent.mesh-b.example:15443</c>.</summary>
    /// <value>Required: an absolute <c>https</c> URI. Plaintext is refused.</value>
    public string Address { get; set; } = string.Empty;

    /// <summary>Gets or sets the peer's SPIFFE trust domain; it must differ from this mesh's.</summary>
    /// <value>Required.</value>
    public string TrustDomain { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the SPIFFE ID of the peer's agent. When set, only that ID may subscribe as this peer, and the
    /// consumer accepts only that ID as the peer's server; otherwise any ID in the peer's trust domain.
    /// </summary>
    /// <value>Default: <see langword="null"/>. Required when two peers share a trust domain.</value>
    public string? AgentSpiffeId { get; set; }

    /// <summary>Gets the peer's trust bundle, configured statically (and the bootstrap bundle of an <c>https_spiffe</c> endpoint).</summary>
    public MeshFederationTrustBundleOptions TrustBundle { get; } = new();

    /// <summary>Gets the peer's SPIFFE bundle endpoint, from which its bundle is refreshed.</summary>
    public MeshFederationBundleEndpointOptions BundleEndpoint { get; } = new();

    /// <summary>Gets or sets what this mesh exports to the peer.</summary>
    /// <value>Default: <see langword="null"/>, the agent-wide <see cref="MeshFederationOptions.Exports"/>.</value>
    public ExportPolicyOptions? Exports { get; set; }

    /// <summary>Gets or sets how the peer's services are named locally.</summary>
    /// <value>Default: <see langword="null"/>, the agent-wide <see cref="MeshFederationOptions.ImportNaming"/>.</value>
    public ImportNamingOptions? ImportNaming { get; set; }

    /// <summary>Gets or sets how long the peer's imports are kept while it is unreachable.</summary>
    /// <value>Default: <see langword="null"/>, the agent-wide <see cref="MeshFederationOptions.DisconnectedTtl"/>.</value>
    public TimeSpan? DisconnectedTtl { get; set; }

    /// <summary>Gets or sets the wire envelope used to consume the peer.</summary>
    /// <value>Default: <see langword="null"/>, the agent-wide <see cref="MeshFederationOptions.Envelope"/>.</value>
    public HamletEnvelope? Envelope { get; set; }

    /// <summary>Gets or sets the resource version subscribed to at the peer.</summary>
    /// <value>Default: <see langword="null"/>, the agent-wide <see cref="MeshFederationOptions.ResourceVersion"/>.</value>
    public HamletResourceVersion? ResourceVersion { get; set; }
}
