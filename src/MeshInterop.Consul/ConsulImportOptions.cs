using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Consul;

/// <summary>
/// Configures how services imported from federation peers are written into a Consul datacenter: one synthetic node
/// per peer (<c>meshinterop-&lt;peer&gt;</c>), services named by the catalog's naming policy, and optional gateway and
/// config-entry wiring for imports (each off by default).
/// </summary>
public sealed class ConsulImportOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "MeshInterop:Consul:Import";

    /// <summary>
    /// Gets or sets the identity of this MeshInterop deployment, written as <c>meshinterop-owner</c> on every node and service it
    /// creates. Entries carrying another owner are never changed or deleted; two deployments must never share an owner ID.
    /// </summary>
    /// <value>No default: the sink does not start without it. Use a lower-case DNS label such as <c>mi-prod-a</c>.</value>
    [Required]
    public string OwnerId { get; set; } = string.Empty;

    /// <summary>Gets or sets how often the imports are fully reconciled with Consul, which repairs external edits and deletions.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most operations sent in one <c>/v1/txn</c> transaction; Consul rejects more than 64.</summary>
    /// <value>The default value is 64.</value>
    [Range(4, 64)]
    public int MaxTransactionOperations { get; set; } = 64;

    /// <summary>Gets or sets the address given to a new synthetic node.</summary>
    /// <value>The default value is <see langword="null"/>: the first endpoint address of the peer's imports (its ingress), else <c>127.0.0.1</c>.</value>
    public string? NodeAddress { get; set; }

    /// <summary>
    /// Gets or sets the name of a terminating gateway whose <c>terminating-gateway</c> config entry gets one linked service per import,
    /// so that mesh workloads reach imports through it. Items of other owners in the shared entry are kept; writes use CAS.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no gateway entry is written.</value>
    public string? TerminatingGateway { get; set; }

    /// <summary>
    /// Gets the TLS files the terminating gateway uses to reach each peer's ingress, keyed by peer name. The paths are files on
    /// the gateway host, put there by deployment; certificates and keys never go into Consul.
    /// </summary>
    public IDictionary<string, ConsulGatewayTlsOptions> GatewayTls { get; } = new Dictionary<string, ConsulGatewayTlsOptions>(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether a <c>service-defaults</c> entry with the import's protocol is written for each import.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool WriteServiceDefaults { get; set; }

    /// <summary>
    /// Gets the <c>service-resolver</c> redirects to write, keyed by local service name, each naming the import it aliases (for example
    /// <c>orders</c> to <c>emea-orders</c>): local callers keep dialling the local name while traffic goes to the import.
    /// A redirect is written only while its import exists.
    /// </summary>
    public IDictionary<string, string> ServiceResolverAliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the local services allowed to call every import: each import's <c>service-intentions</c> entry gets an <c>allow</c> source per
    /// name, described as <c>managed-by=meshinterop</c>. Sources of other owners are kept; writes use CAS.
    /// </summary>
    public IList<string> IntentionSources { get; } = [];
}

/// <summary>The files a terminating gateway uses to originate TLS to one peer's ingress.</summary>
public sealed class ConsulGatewayTlsOptions
{
    /// <summary>Gets or sets the PEM file with the peer's CA, on the gateway host.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? CaFile { get; set; }

    /// <summary>Gets or sets the PEM file with the client certificate the gateway presents, on the gateway host.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? CertFile { get; set; }

    /// <summary>Gets or sets the PEM file with the private key of <see cref="CertFile"/>, on the gateway host.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? KeyFile { get; set; }
}
