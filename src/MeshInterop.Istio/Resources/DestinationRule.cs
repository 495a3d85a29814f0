using System.Globalization;
using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>A <c>networking.istio.io</c> DestinationRule: client-side policy (TLS origination, load balancing) for a host.</summary>
public sealed class DestinationRule : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.DestinationRule;

    /// <summary>Gets the specification.</summary>
    public required DestinationRuleSpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new DestinationRule { Metadata = metadata, Spec = Spec };
}

/// <summary>The <c>spec</c> of a DestinationRule.</summary>
public sealed class DestinationRuleSpec
{
    /// <summary>Gets the host the rule applies to.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the namespaces the rule is visible to (<c>~</c> is not allowed here).</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> ExportTo { get; init; } = [];

    /// <summary>Gets the traffic policy for every port and subset.</summary>
    /// <value><see langword="null"/> by default.</value>
    public TrafficPolicy? TrafficPolicy { get; init; }

    /// <summary>Gets the named subsets, written sorted by name.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<DestinationSubset> Subsets { get; init; } = [];

    internal JsonObject ToJson()
    {
        var spec = new JsonObject { ["host"] = Host };
        SpecJson.Set(spec, "exportTo", SpecJson.SortedSet(ExportTo));
        SpecJson.Set(spec, "trafficPolicy", TrafficPolicy?.ToJson());
        SpecJson.Set(spec, "subsets", SpecJson.List(Subsets.OrderBy(s => s.Name, StringComparer.Ordinal), s => s.ToJson()));
        return spec;
    }
}

/// <summary>A named subset of a DestinationRule's endpoints.</summary>
public sealed class DestinationSubset
{
    /// <summary>Gets the subset name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the endpoint labels that select the subset.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the policy for the subset.</summary>
    /// <value><see langword="null"/> by default.</value>
    public TrafficPolicy? TrafficPolicy { get; init; }

    internal JsonObject ToJson()
    {
        var subset = new JsonObject { ["name"] = Name };
        SpecJson.Set(subset, "labels", SpecJson.StringMap(Labels));
        SpecJson.Set(subset, "trafficPolicy", TrafficPolicy?.ToJson());
        return subset;
    }
}

/// <summary>A traffic policy: load balancing, outlier detection, client TLS, and per-port overrides.</summary>
public sealed class TrafficPolicy
{
    /// <summary>Gets the load balancer settings.</summary>
    /// <value><see langword="null"/> by default.</value>
    public LoadBalancerSettings? LoadBalancer { get; init; }

    /// <summary>Gets the passive health check settings.</summary>
    /// <value><see langword="null"/> by default.</value>
    public OutlierDetection? OutlierDetection { get; init; }

    /// <summary>Gets the TLS the client originates.</summary>
    /// <value><see langword="null"/> by default.</value>
    public ClientTlsSettings? Tls { get; init; }

    /// <summary>Gets per-port overrides, written sorted by port number.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<PortTrafficPolicy> PortLevelSettings { get; init; } = [];

    internal JsonObject ToJson()
    {
        var policy = new JsonObject();
        SpecJson.Set(policy, "loadBalancer", LoadBalancer?.ToJson());
        SpecJson.Set(policy, "outlierDetection", OutlierDetection?.ToJson());
        SpecJson.Set(policy, "tls", Tls?.ToJson());
        SpecJson.Set(policy, "portLevelSettings", SpecJson.List(PortLevelSettings.OrderBy(p => p.Port), p => p.ToJson()));
        return policy;
    }
}

/// <summary>The traffic policy of one destination port.</summary>
public sealed class PortTrafficPolicy
{
    /// <summary>Gets the port number.</summary>
    public required int Port { get; init; }

    /// <summary>Gets the load balancer settings.</summary>
    /// <value><see langword="null"/> by default.</value>
    public LoadBalancerSettings? LoadBalancer { get; init; }

    /// <summary>Gets the passive health check settings.</summary>
    /// <value><see langword="null"/> by default.</value>
    public OutlierDetection? OutlierDetection { get; init; }

    /// <summary>Gets the TLS the client originates on this port.</summary>
    /// <value><see langword="null"/> by default.</value>
    public ClientTlsSettings? Tls { get; init; }

    internal JsonObject ToJson()
    {
        var policy = new JsonObject { ["port"] = new JsonObject { ["number"] = Port } };
        SpecJson.Set(policy, "loadBalancer", LoadBalancer?.ToJson());
        SpecJson.Set(policy, "outlierDetection", OutlierDetection?.ToJson());
        SpecJson.Set(policy, "tls", Tls?.ToJson());
        return policy;
    }
}

/// <summary>A simple load-balancing algorithm.</summary>
public enum SimpleLoadBalancer
{
    /// <summary><c>UNSPECIFIED</c>: the proxy's default.</summary>
    Unspecified,

    /// <summary><c>LEAST_CONN</c>: deprecated alias of <c>LEAST_REQUEST</c>.</summary>
    LeastConn,

    /// <summary><c>RANDOM</c>.</summary>
    Random,

    /// <summary><c>PASSTHROUGH</c>: to the caller's original destination.</summary>
    Passthrough,

    /// <summary><c>ROUND_ROBIN</c>.</summary>
    RoundRobin,

    /// <summary><c>LEAST_REQUEST</c>.</summary>
    LeastRequest,
}

/// <summary>Load balancer settings.</summary>
public sealed class LoadBalancerSettings
{
    /// <summary>Gets the algorithm.</summary>
    /// <value><see langword="null"/> by default.</value>
    public SimpleLoadBalancer? Simple { get; init; }

    /// <summary>Gets the locality-aware settings.</summary>
    /// <value><see langword="null"/> by default.</value>
    public LocalityLoadBalancerSetting? LocalityLbSetting { get; init; }

    internal JsonObject ToJson()
    {
        var lb = new JsonObject();
        SpecJson.Set(lb, "simple", Simple);
        SpecJson.Set(lb, "localityLbSetting", LocalityLbSetting?.ToJson());
        return lb;
    }
}

/// <summary>Locality-aware load balancing: either weighted distribution or failover, not both.</summary>
public sealed class LocalityLoadBalancerSetting
{
    /// <summary>Gets whether locality load balancing is on.</summary>
    /// <value><see langword="null"/> by default.</value>
    public bool? Enabled { get; init; }

    /// <summary>Gets the weighted distributions; each <see cref="LocalityDistribution.To"/> sums to 100.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<LocalityDistribution> Distribute { get; init; } = [];

    /// <summary>Gets the failover pairs (needs outlier detection to take effect).</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<LocalityFailover> Failover { get; init; } = [];

    /// <summary>Gets the ordered label keys used to prioritise failover endpoints.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> FailoverPriority { get; init; } = [];

    internal JsonObject ToJson()
    {
        var setting = new JsonObject();
        SpecJson.Set(setting, "enabled", Enabled);
        SpecJson.Set(setting, "distribute", SpecJson.List(Distribute, d => d.ToJson()));
        SpecJson.Set(setting, "failover", SpecJson.List(Failover, f => f.ToJson()));
        SpecJson.Set(setting, "failoverPriority", SpecJson.List(FailoverPriority, p => JsonValue.Create(p)));
        return setting;
    }
}

/// <summary>Traffic from one locality distributed over others by weight.</summary>
public sealed class LocalityDistribution
{
    /// <summary>Gets the originating locality (<c>region/zone/subzone</c>, <c>*</c> allowed as a suffix).</summary>
    public required string From { get; init; }

    /// <summary>Gets the weight per destination locality.</summary>
    public required IReadOnlyDictionary<string, int> To { get; init; }

    internal JsonObject ToJson() => new() { ["from"] = From, ["to"] = SpecJson.PortMap(To) ?? [] };
}

/// <summary>A region-level failover pair.</summary>
public sealed class LocalityFailover
{
    /// <summary>Gets the region traffic fails over from.</summary>
    public required string From { get; init; }

    /// <summary>Gets the region traffic fails over to.</summary>
    public required string To { get; init; }

    internal JsonObject ToJson() => new() { ["from"] = From, ["to"] = To };
}

/// <summary>Passive health checking: hosts that keep failing are ejected for a while.</summary>
public sealed class OutlierDetection
{
    /// <summary>Gets the number of 5xx errors before ejection.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Consecutive5xxErrors { get; init; }

    /// <summary>Gets the number of gateway errors (502, 503, 504) before ejection.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? ConsecutiveGatewayErrors { get; init; }

    /// <summary>Gets the analysis sweep interval (at least 1 ms).</summary>
    /// <value><see langword="null"/> by default.</value>
    public TimeSpan? Interval { get; init; }

    /// <summary>Gets the minimum ejection duration (at least 1 ms).</summary>
    /// <value><see langword="null"/> by default.</value>
    public TimeSpan? BaseEjectionTime { get; init; }

    /// <summary>Gets the maximum percentage of hosts that may be ejected (0–100).</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? MaxEjectionPercent { get; init; }

    /// <summary>Gets the healthy percentage below which outlier detection is off (0–100).</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? MinHealthPercent { get; init; }

    internal JsonObject ToJson()
    {
        var detection = new JsonObject();
        SpecJson.Set(detection, "consecutive5xxErrors", Consecutive5xxErrors);
        SpecJson.Set(detection, "consecutiveGatewayErrors", ConsecutiveGatewayErrors);
        SpecJson.Set(detection, "interval", Duration(Interval));
        SpecJson.Set(detection, "baseEjectionTime", Duration(BaseEjectionTime));
        SpecJson.Set(detection, "maxEjectionPercent", MaxEjectionPercent);
        SpecJson.Set(detection, "minHealthPercent", MinHealthPercent);
        return detection;
    }

    // Protobuf JSON durations: seconds with up to nine fractional digits ("10s", "0.25s").
    internal static string? Duration(TimeSpan? value) => value is { } v
        ? (v.Ticks / (decimal)TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture) + "s"
        : null;
}

/// <summary>The TLS mode a client (sidecar or gateway) originates.</summary>
public enum ClientTlsMode
{
    /// <summary><c>DISABLE</c>: plain text.</summary>
    Disable,

    /// <summary><c>SIMPLE</c>: TLS without a client certificate.</summary>
    Simple,

    /// <summary><c>MUTUAL</c>: TLS with a client certificate from files or a credential.</summary>
    Mutual,

    /// <summary><c>ISTIO_MUTUAL</c>: Istio's workload certificate, with Istio's ALPN.</summary>
    IstioMutual,
}

/// <summary>Client TLS settings of a DestinationRule (ClientTLSSettings).</summary>
public sealed class ClientTlsSettings
{
    /// <summary>Gets the mode.</summary>
    /// <value><see langword="null"/> by default.</value>
    public ClientTlsMode? Mode { get; init; }

    /// <summary>Gets the SNI to present; with <c>ISTIO_MUTUAL</c> it replaces the automatic <c>outbound_.</c> SNI.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Sni { get; init; }

    /// <summary>Gets the SANs the server certificate must carry; replaces the service's SAN list.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];

    /// <summary>Gets the Secret holding the client key, certificate and CA (gateways, or sidecars with a workload selector).</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? CredentialName { get; init; }

    /// <summary>Gets the client certificate file path inside the proxy (<c>MUTUAL</c>).</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? ClientCertificate { get; init; }

    /// <summary>Gets the private key file path inside the proxy (<c>MUTUAL</c>).</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? PrivateKey { get; init; }

    /// <summary>Gets the CA bundle file path inside the proxy.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? CaCertificates { get; init; }

    /// <summary>Gets the certificate revocation list file path inside the proxy.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? CaCrl { get; init; }

    /// <summary>Gets whether server verification is skipped (never set by the adapter).</summary>
    /// <value><see langword="null"/> by default.</value>
    public bool? InsecureSkipVerify { get; init; }

    internal JsonObject ToJson()
    {
        var tls = new JsonObject();
        SpecJson.Set(tls, "mode", Mode);
        SpecJson.Set(tls, "sni", Sni);
        SpecJson.Set(tls, "subjectAltNames", SpecJson.SortedSet(SubjectAltNames));
        SpecJson.Set(tls, "credentialName", CredentialName);
        SpecJson.Set(tls, "clientCertificate", ClientCertificate);
        SpecJson.Set(tls, "privateKey", PrivateKey);
        SpecJson.Set(tls, "caCertificates", CaCertificates);
        SpecJson.Set(tls, "caCrl", CaCrl);
        SpecJson.Set(tls, "insecureSkipVerify", InsecureSkipVerify);
        return tls;
    }
}
