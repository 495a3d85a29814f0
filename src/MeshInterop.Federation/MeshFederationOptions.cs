using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;

namespace MeshInterop.Federation;

/// <summary>
/// Configures the federation agent: who this mesh is, how it proves it, where it listens, and the peers it federates
/// with. Bound from the configuration section <see cref="SectionName"/> and validated when the host starts; every
/// problem is reported with its configuration path (for example <c>MeshInterop:Federation:Peers:1:TrustDomain</c>).
/// </summary>
public sealed class MeshFederationOptions
{
    /// <summary>The configuration section the agent binds by default.</summary>
    public const string SectionName = "MeshInterop:Federation";

    /// <summary>Gets or sets the name of this mesh, as it appears in logs, status and metrics.</summary>
    /// <value>Required: a DNS label (lower-case letters, digits and '-', at most 63 characters).</value>
    public string MeshName { get; set; } = string.Empty;

    /// <summary>Gets or sets the SPIFFE trust domain of this mesh, for example <c>mesh-a.example</c>.</summary>
    /// <value>Required.</value>
    public string TrustDomain { get; set; } = string.Empty;

    /// <summary>Gets or sets the SPIFFE ID the agent's X.509-SVID carries; peers pin it as their expected agent ID.</summary>
    /// <value>Default: <see langword="null"/>, meaning <c>spiffe://&lt;trust domain&gt;/meshinterop/agent</c>.</value>
    public string? AgentSpiffeId { get; set; }

    /// <summary>Gets the files holding the agent's X.509-SVID.</summary>
    /// <value>
    /// Empty by default; then an <see cref="Identity.X509.IX509SvidSource"/> must be registered in the service collection.
    /// </value>
    public MeshFederationSvidOptions Svid { get; } = new();

    /// <summary>Gets this mesh's own trust bundle, served on the SPIFFE bundle endpoint.</summary>
    /// <value>Empty by default: the bundle endpoint then answers 503.</value>
    public MeshFederationTrustBundleOptions TrustBundle { get; } = new();

    /// <summary>
    /// Gets or sets the address and port of the federation listener (Hamlet over gRPC, SPIFFE mTLS, client
    /// certificates required), used by <c>ListenMeshFederation()</c>.
    /// </summary>
    /// <value>Default: <c>0.0.0.0:15443</c>. Port 0 picks a free port.</value>
    public string ListenEndpoint { get; set; } = "0.0.0.0:15443";

    /// <summary>
    /// Gets or sets the address and port of the SPIFFE bundle endpoint listener (server-only TLS with the agent's SVID,
    /// the <c>https_spiffe</c> profile, no client certificate asked), used by <c>ListenMeshFederation()</c>.
    /// </summary>
    /// <value>Default: <see langword="null"/>, no bundle listener.</value>
    public string? BundleListenEndpoint { get; set; }

    /// <summary>Gets or sets the path of the SPIFFE bundle endpoint mapped by <c>MapMeshFederation()</c>.</summary>
    /// <value>Default: <c>/meshinterop/bundle</c>.</value>
    public string BundleEndpointPath { get; set; } = "/meshinterop/bundle";

    /// <summary>Gets or sets the <c>spiffe_refresh_hint</c> the bundle endpoint advertises.</summary>
    /// <value>Default: 5 minutes; a whole number of seconds.</value>
    public TimeSpan BundleRefreshHint { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the path of the JSON status endpoint mapped by <c>MapMeshFederation()</c>. It never answers on the
    /// federation or bundle listeners: peers do not see each other's status.
    /// </summary>
    /// <value>Default: <c>/meshinterop/status</c>.</value>
    public string StatusPath { get; set; } = "/meshinterop/status";

    /// <summary>Gets the export policy applied to every peer that has no policy of its own.</summary>
    /// <value>Empty by default: nothing is exported.</value>
    public ExportPolicyOptions Exports { get; } = new();

    /// <summary>Gets how imported services are named, for every peer that has no naming options of its own.</summary>
    /// <value>Default: <c>&lt;peer&gt;-&lt;name&gt;</c>.</value>
    public ImportNamingOptions ImportNaming { get; } = new();

    /// <summary>Gets or sets what happens when two imports claim the same local name.</summary>
    /// <value>Default: <see cref="ImportCollisionPolicy.EarliestWins"/>.</value>
    public ImportCollisionPolicy ImportCollisions { get; set; } = ImportCollisionPolicy.EarliestWins;

    /// <summary>Gets or sets how long a disconnected peer's imports are kept, for peers without their own value.</summary>
    /// <value>Default: <see langword="null"/>, kept until the peer is removed. Zero also means forever.</value>
    public TimeSpan? DisconnectedTtl { get; set; }

    /// <summary>
    /// Gets or sets how long after the last snapshot item a resync completes when the owner did not announce its
    /// snapshot size; imports the resync did not assert are then removed.
    /// </summary>
    /// <value>Default: 5 minutes.</value>
    public TimeSpan SnapshotGracePeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the most services one peer may have imported at once; more are NACKed.</summary>
    /// <value>Default: 100 000.</value>
    public int MaxImportsPerPeer { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets how long a newly elected leader waits for every peer to complete its resync before it writes
    /// what it has to the sink. Until every peer has resynced it only adds and updates, never removes.
    /// </summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan LeaderResyncTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the wire envelope used to consume peers that do not set their own.</summary>
    /// <value>Default: <see cref="HamletEnvelope.V1Alpha1"/>.</value>
    public HamletEnvelope Envelope { get; set; } = HamletEnvelope.V1Alpha1;

    /// <summary>Gets or sets the resource version subscribed to, for peers that do not set their own.</summary>
    /// <value>Default: <see langword="null"/>, the envelope's own version.</value>
    public HamletResourceVersion? ResourceVersion { get; set; }

    /// <summary>Gets the limits and timers of the Hamlet protocol engines.</summary>
    public MeshFederationProtocolOptions Protocol { get; } = new();

    /// <summary>Gets the peers this mesh federates with.</summary>
    public IList<MeshFederationPeerOptions> Peers { get; } = [];
}
