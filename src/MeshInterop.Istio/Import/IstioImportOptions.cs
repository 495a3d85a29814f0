using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Istio.Import;

/// <summary>
/// How services imported from peers are written as Istio objects: where they go, who may see them, and which peers
/// aggregate with local Kubernetes Services. Bound from <see cref="SectionName"/> and validated at start-up.
/// </summary>
public sealed class IstioImportOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "MeshInterop:Istio:Import";

    /// <summary>Gets or sets the namespace the import ServiceEntries and DestinationRules are written to.</summary>
    /// <value>The default value is <c>mesh-imports</c>.</value>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ErrorMessage = "The import namespace must be a DNS-1123 label.")]
    [StringLength(63)]
    public string Namespace { get; set; } = "mesh-imports";

    /// <summary>
    /// Gets the namespaces that may see the imports (ServiceEntry and DestinationRule <c>exportTo</c>). <c>*</c> is
    /// refused: it would make imports visible to the federation gateway and so re-exportable to other peers.
    /// </summary>
    /// <value>The default value is empty, meaning the import namespace only (<c>.</c>).</value>
    public IList<string> ExportTo { get; } = [];

    /// <summary>
    /// Gets or sets the namespace of the federation ingress gateway; imports are never exported to it, so that the
    /// gateway cannot forward to them (no transitive federation).
    /// </summary>
    /// <value>The default value is <c>mesh-federation</c>.</value>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ErrorMessage = "The federation gateway namespace must be a DNS-1123 label.")]
    [StringLength(63)]
    public string FederationGatewayNamespace { get; set; } = "mesh-federation";

    /// <summary>
    /// Gets the peers whose imports aggregate with an existing local Kubernetes Service of the same host
    /// (<c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;cluster domain&gt;</c>): written as WorkloadEntries selected by that Service plus
    /// a ServiceEntry that only adds the peer's SANs. Needs namespace sameness with the peer.
    /// </summary>
    /// <value>The default value is empty: every import gets its own ServiceEntry, and a local Service of the same host wins.</value>
    public IList<string> ImportAsLocalPeers { get; } = [];

    /// <summary>Gets or sets the cluster DNS domain that local Service hosts end with.</summary>
    /// <value>The default value is <c>cluster.local</c>.</value>
    [Required]
    public string ClusterDomain { get; set; } = "cluster.local";

    /// <summary>Gets or sets the prefix of the network name given to each peer's endpoints (<c>&lt;prefix&gt;&lt;peer&gt;</c>).</summary>
    /// <value>The default value is <c>mi-</c>, a prefix the local mesh is not expected to use for its own networks.</value>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*)?$", ErrorMessage = "The network prefix must be lower-case letters, digits and '-', starting alphanumeric.")]
    [StringLength(20)]
    public string NetworkPrefix { get; set; } = "mi-";

    /// <summary>
    /// Gets or sets a value indicating whether every batch of writes is first sent with <c>dryRun=All</c>, so that the
    /// API server and istiod's webhook check all of it before anything is stored.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DryRunPreflight { get; set; }
}
