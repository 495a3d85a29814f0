namespace MeshInterop.Consul;

/// <summary>
/// Configures which services of a Consul datacenter are exported to federation peers, and how they are described.
/// At least one selection (<see cref="ExportedServicesConsumer"/>, <see cref="ExportTag"/> or <see cref="ExportMetaKey"/>) is required.
/// </summary>
public sealed class ConsulExportOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "MeshInterop:Consul:Export";

    /// <summary>
    /// Gets or sets the pseudo-peer name that marks exports in the <c>exported-services</c> config entry: every service with a
    /// consumer <c>{"Peer": "&lt;this name&gt;"}</c> is exported (<c>*</c> exports every service of the namespace).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the config entry is not read. Use a name such as <c>meshinterop-emea</c>, which cannot collide with a real Consul peering.</value>
    public string? ExportedServicesConsumer { get; set; }

    /// <summary>Gets or sets a tag that exports every instance carrying it.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ExportTag { get; set; }

    /// <summary>Gets or sets a service meta key that, with <see cref="ExportMetaValue"/>, exports every instance carrying that pair.</summary>
    /// <value>The default value is <see langword="null"/>. Meta selection watches every service of the datacenter, so prefer a tag or the config entry in large datacenters.</value>
    public string? ExportMetaKey { get; set; }

    /// <summary>Gets or sets the service meta value that goes with <see cref="ExportMetaKey"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ExportMetaValue { get; set; }

    /// <summary>Gets or sets a value indicating whether only instances whose every check passes are exported.</summary>
    /// <value>The default value is <see langword="false"/>: every instance is exported and the service health reports the worst status.</value>
    public bool PassingOnly { get; set; }

    /// <summary>
    /// Gets or sets the trust domain of the datacenter's Connect CA (<c>&lt;cluster-id&gt;.consul</c>), from which SNI values and SPIFFE SANs
    /// are derived as Consul's mesh gateways expect them.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: it is read from <c>/v1/connect/ca/roots</c>; without Connect, exported entries carry no SNI and no SAN.</value>
    public string? TrustDomain { get; set; }

    /// <summary>
    /// Gets the addresses peers must dial (<c>host:port</c>), typically the public address of a mesh or ingress gateway. When empty,
    /// the passing instances of <see cref="MeshGatewayService"/> are used (their <c>wan</c> tagged address, else their address),
    /// and without gateways each instance's own address is exported.
    /// </summary>
    public IList<string> GatewayAddresses { get; } = [];

    /// <summary>Gets or sets the name of the mesh gateway service whose instances give the addresses peers dial.</summary>
    /// <value>The default value is <c>mesh-gateway</c>; <see langword="null"/> turns discovery off.</value>
    public string? MeshGatewayService { get; set; } = "mesh-gateway";

    /// <summary>Gets or sets the protocol of instances that declare none in their <c>protocol</c> meta.</summary>
    /// <value>The default value is <c>TCP</c>.</value>
    public string DefaultProtocol { get; set; } = "TCP";

    /// <summary>Gets or sets the DNS domain of the datacenter, used to build each entry's FQDN (<c>&lt;service&gt;.service.&lt;datacenter&gt;.&lt;domain&gt;</c>).</summary>
    /// <value>The default value is <c>consul</c>.</value>
    public string Domain { get; set; } = "consul";
}
