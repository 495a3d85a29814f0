using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>A <c>networking.istio.io</c> ServiceEntry: adds a service to Istio's registry.</summary>
public sealed class ServiceEntry : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.ServiceEntry;

    /// <summary>Gets the specification.</summary>
    public required ServiceEntrySpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new ServiceEntry { Metadata = metadata, Spec = Spec };
}

/// <summary>Whether a ServiceEntry's service is part of the mesh.</summary>
public enum ServiceEntryLocation
{
    /// <summary><c>MESH_EXTERNAL</c>: outside the mesh (the schema default).</summary>
    MeshExternal,

    /// <summary><c>MESH_INTERNAL</c>: part of the mesh; used for imports and export aliases.</summary>
    MeshInternal,
}

/// <summary>How a ServiceEntry's endpoints are resolved. <c>DYNAMIC_DNS</c> is omitted: it exists only from Istio 1.30.</summary>
public enum ServiceEntryResolution
{
    /// <summary><c>NONE</c>: the proxy forwards to the original destination address.</summary>
    None,

    /// <summary><c>STATIC</c>: the endpoints are IP addresses.</summary>
    Static,

    /// <summary><c>DNS</c>: endpoints (or hosts) are resolved by DNS; every address is used.</summary>
    Dns,

    /// <summary><c>DNS_ROUND_ROBIN</c>: only the first resolved address is used.</summary>
    DnsRoundRobin,
}

/// <summary>The <c>spec</c> of a ServiceEntry.</summary>
public sealed class ServiceEntrySpec
{
    /// <summary>Gets the host names; the adapter emits exactly one lowercase FQDN.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Gets the virtual IPs or CIDRs; the adapter leaves them to istiod's auto-allocation.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Gets the ports, written sorted by number.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>Gets the location.</summary>
    /// <value><see langword="null"/> (not written; Istio assumes <c>MESH_EXTERNAL</c>) by default.</value>
    public ServiceEntryLocation? Location { get; init; }

    /// <summary>Gets the resolution.</summary>
    /// <value><see langword="null"/> (not written; Istio assumes <c>NONE</c>) by default.</value>
    public ServiceEntryResolution? Resolution { get; init; }

    /// <summary>Gets the endpoints, written sorted by address and network.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<WorkloadEntrySpec> Endpoints { get; init; } = [];

    /// <summary>Gets the labels of the pods and WorkloadEntries this entry selects (export aliases only).</summary>
    /// <value><see langword="null"/> by default.</value>
    public IReadOnlyDictionary<string, string>? WorkloadSelector { get; init; }

    /// <summary>Gets the namespaces the entry is visible to.</summary>
    /// <value>Empty (Istio's default visibility) by default.</value>
    public IReadOnlyList<string> ExportTo { get; init; } = [];

    /// <summary>Gets the SAN matchers (full <c>spiffe://</c> URIs) used verbatim to verify the endpoints.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];

    internal JsonObject ToJson()
    {
        var spec = new JsonObject();
        SpecJson.Set(spec, "hosts", SpecJson.SortedSet(Hosts));
        SpecJson.Set(spec, "addresses", SpecJson.SortedSet(Addresses));
        SpecJson.Set(spec, "ports", SpecJson.List(Ports.OrderBy(p => p.Number).ThenBy(p => p.Name, StringComparer.Ordinal), p => p.ToJson()));
        SpecJson.Set(spec, "location", Location);
        SpecJson.Set(spec, "resolution", Resolution);
        SpecJson.Set(spec, "endpoints", SpecJson.List(
            Endpoints.OrderBy(e => e.Address ?? string.Empty, StringComparer.Ordinal).ThenBy(e => e.Network ?? string.Empty, StringComparer.Ordinal),
            e => e.ToJson()));
        if (WorkloadSelector is not null)
            spec["workloadSelector"] = new JsonObject { ["labels"] = SpecJson.StringMap(WorkloadSelector) ?? [] };
        SpecJson.Set(spec, "exportTo", SpecJson.SortedSet(ExportTo));
        SpecJson.Set(spec, "subjectAltNames", SpecJson.SortedSet(SubjectAltNames));
        return spec;
    }
}

/// <summary>A port of a ServiceEntry.</summary>
public sealed class ServicePort
{
    /// <summary>Gets the port number (1–65535).</summary>
    public required int Number { get; init; }

    /// <summary>Gets the port name, a DNS-1123 label such as <c>http-9080</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the protocol (<c>HTTP</c>, <c>HTTP2</c>, <c>GRPC</c>, <c>TCP</c>, <c>TLS</c>, ...).</summary>
    /// <value><see langword="null"/> (protocol sniffing) by default; the adapter always sets it.</value>
    public string? Protocol { get; init; }

    /// <summary>Gets the workload port, only for entries that use a workload selector.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? TargetPort { get; init; }

    internal JsonObject ToJson()
    {
        var port = new JsonObject { ["number"] = Number, ["name"] = Name };
        SpecJson.Set(port, "protocol", Protocol);
        SpecJson.Set(port, "targetPort", TargetPort);
        return port;
    }
}

/// <summary>A <c>networking.istio.io</c> WorkloadEntry: a non-Kubernetes workload, here a peer gateway address.</summary>
public sealed class WorkloadEntry : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.WorkloadEntry;

    /// <summary>Gets the specification.</summary>
    public required WorkloadEntrySpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new WorkloadEntry { Metadata = metadata, Spec = Spec };
}

/// <summary>The <c>spec</c> of a WorkloadEntry, also the item type of <see cref="ServiceEntrySpec.Endpoints"/>.</summary>
public sealed class WorkloadEntrySpec
{
    /// <summary>Gets the address: an IP, a host name or a <c>unix://</c> socket.</summary>
    /// <value><see langword="null"/> by default (allowed only with <see cref="Network"/>).</value>
    public string? Address { get; init; }

    /// <summary>Gets the port of each service port name, overriding the service's target port.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets the labels, for example <c>security.istio.io/tlsMode: istio</c>.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the network the address is on.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Network { get; init; }

    /// <summary>Gets the locality, <c>region/zone/subzone</c>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Locality { get; init; }

    /// <summary>Gets the load-balancing weight.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Weight { get; init; }

    /// <summary>
    /// Gets the service account. Istio always expands it in the LOCAL trust domain, so the adapter never sets it on
    /// remote endpoints.
    /// </summary>
    /// <value><see langword="null"/> by default.</value>
    public string? ServiceAccount { get; init; }

    internal JsonObject ToJson()
    {
        var spec = new JsonObject();
        SpecJson.Set(spec, "address", Address);
        SpecJson.Set(spec, "ports", SpecJson.PortMap(Ports));
        SpecJson.Set(spec, "labels", SpecJson.StringMap(Labels));
        SpecJson.Set(spec, "network", Network);
        SpecJson.Set(spec, "locality", Locality);
        SpecJson.Set(spec, "weight", Weight);
        SpecJson.Set(spec, "serviceAccount", ServiceAccount);
        return spec;
    }
}
