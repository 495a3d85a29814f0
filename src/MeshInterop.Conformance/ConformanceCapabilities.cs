namespace MeshInterop.Conformance;

/// <summary>
/// What a target claims beyond the wire protocol itself. A case that needs a capability the target does not claim is
/// reported <see cref="ConformanceOutcome.NotApplicable"/>, never passed.
/// </summary>
[Flags]
public enum ConformanceCapabilities
{
    /// <summary>No capability beyond the protocol.</summary>
    None = 0,

    /// <summary>Owner role: the hook creates, updates and deletes exported services on the target.</summary>
    Mutation = 1 << 0,

    /// <summary>Owner role: the hook stops the target gracefully (run last, since the target is gone afterwards).</summary>
    GracefulStop = 1 << 1,

    /// <summary>Consumer role: the hook starts the target's consumer against the kit, stops it on purpose, and lists its imports.</summary>
    ConsumerControl = 1 << 2,

    /// <summary>The MeshInterop <c>x-meshinterop-window</c> extension (protocol reference 5.2).</summary>
    Window = 1 << 3,

    /// <summary>The MeshInterop <c>x-meshinterop-snapshot-count</c> extension (protocol reference 5.2).</summary>
    SnapshotCount = 1 << 4,

    /// <summary>Symmetric v1alpha2 streams: both peers publish on one stream.</summary>
    SymmetricV1Alpha2 = 1 << 5,

    /// <summary>A v1alpha2 <c>context</c> token check; set <see cref="ConformanceRunnerOptions.ContextToken"/> too.</summary>
    ContextToken = 1 << 6,

    /// <summary>
    /// SPIFFE trust-domain pinning; set <see cref="ConformanceTlsOptions.ForeignTrustDomainIdentity"/>, a certificate that
    /// chains to an authority the target trusts but names another trust domain.
    /// </summary>
    TrustDomainPinning = 1 << 7,

    /// <summary>An external Go reference peer is available (the kit itself has none, so the interop cases stay not applicable).</summary>
    ReferencePeer = 1 << 8,

    /// <summary>The case checks a .NET API (events, handlers, projections); only MeshInterop's own suites, in process, run it.</summary>
    InProcessDotNet = 1 << 9,
}
