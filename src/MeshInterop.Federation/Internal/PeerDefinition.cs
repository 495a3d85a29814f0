using MeshInterop.Catalog.Export;
using MeshInterop.Identity;
using MeshInterop.Identity.Federation;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Federation.Internal;

/// <summary>A peer's validated configuration, parsed once at start-up.</summary>
internal sealed class PeerDefinition
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required Uri Address { get; init; }

    public required TrustDomain TrustDomain { get; init; }

    /// <summary>Gets the one SPIFFE ID allowed to act as this peer; <see langword="null"/>: any ID of its trust domain.</summary>
    public required SpiffeId? AgentId { get; init; }

    public required ExportFilter Exports { get; init; }

    public required TimeSpan? DisconnectedTtl { get; init; }

    public required HamletConsumerOptions Consumer { get; init; }

    public BundleEndpointOptions? BundleEndpoint { get; init; }

    public bool Accepts(SpiffeId id) => AgentId is { } agent ? agent == id : id.TrustDomain == TrustDomain;
}
