using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshInterop.Consul.Internal.Client;

// Wire shapes of the Consul HTTP API. Property names are Consul's PascalCase; read-only server fields
// (indexes, PeerName) are nullable so that WhenWritingNull keeps them out of request bodies.

internal sealed class AgentSelf
{
    public AgentConfig? Config { get; init; }
}

internal sealed class AgentConfig
{
    public string? Datacenter { get; init; }

    public string? NodeName { get; init; }

    public string? Version { get; init; }
}

internal sealed class NodeInfo
{
    public string? ID { get; init; }

    public string Node { get; init; } = string.Empty;

    public string? Address { get; init; }

    public string? Datacenter { get; init; }

    public Dictionary<string, string>? TaggedAddresses { get; init; }

    public Dictionary<string, string>? Meta { get; init; }

    public string? Partition { get; init; }

    public string? PeerName { get; init; }

    public ulong? CreateIndex { get; init; }

    public ulong? ModifyIndex { get; init; }
}

internal sealed class ServiceAddress
{
    public string? Address { get; init; }

    public int Port { get; init; }
}

internal sealed class ServiceWeights
{
    public int Passing { get; init; }

    public int Warning { get; init; }
}

internal sealed class AgentService
{
    public string? ID { get; init; }

    public string Service { get; init; } = string.Empty;

    public string? Kind { get; init; }

    public List<string>? Tags { get; init; }

    public Dictionary<string, string>? Meta { get; init; }

    public string? Address { get; init; }

    public int Port { get; init; }

    public Dictionary<string, ServiceAddress>? TaggedAddresses { get; init; }

    public ServiceWeights? Weights { get; init; }

    public string? Namespace { get; init; }

    public string? Partition { get; init; }

    public string? PeerName { get; init; }

    public ulong? CreateIndex { get; init; }

    public ulong? ModifyIndex { get; init; }
}

internal sealed class HealthCheck
{
    public string? Node { get; init; }

    public string CheckID { get; init; } = string.Empty;

    public string? Name { get; init; }

    public string? Status { get; init; }

    public string? Notes { get; init; }

    public string? Output { get; init; }

    public string? ServiceID { get; init; }

    public string? ServiceName { get; init; }

    public string? Type { get; init; }

    public string? Namespace { get; init; }

    public string? Partition { get; init; }

    public string? PeerName { get; init; }

    public ulong? CreateIndex { get; init; }

    public ulong? ModifyIndex { get; init; }
}

internal sealed class CatalogRegistration
{
    public string Node { get; init; } = string.Empty;

    public string Address { get; init; } = string.Empty;

    public Dictionary<string, string>? TaggedAddresses { get; init; }

    public Dictionary<string, string>? NodeMeta { get; init; }

    public AgentService? Service { get; init; }

    public List<HealthCheck>? Checks { get; init; }

    public bool SkipNodeUpdate { get; init; }

    public string? Namespace { get; init; }

    public string? Partition { get; init; }
}

internal sealed class CatalogDeregistration
{
    public string Node { get; init; } = string.Empty;

    public string? ServiceID { get; init; }

    public string? CheckID { get; init; }

    public string? Namespace { get; init; }

    public string? Partition { get; init; }
}

/// <summary>One flat row of <c>/v1/catalog/service/&lt;name&gt;</c>.</summary>
internal sealed class CatalogServiceRow
{
    public string Node { get; init; } = string.Empty;

    public string? Address { get; init; }

    public string? Datacenter { get; init; }

    public Dictionary<string, string>? TaggedAddresses { get; init; }

    public Dictionary<string, string>? NodeMeta { get; init; }

    public string ServiceID { get; init; } = string.Empty;

    public string ServiceName { get; init; } = string.Empty;

    public List<string>? ServiceTags { get; init; }

    public string? ServiceAddress { get; init; }

    public Dictionary<string, ServiceAddress>? ServiceTaggedAddresses { get; init; }

    public int ServicePort { get; init; }

    public Dictionary<string, string>? ServiceMeta { get; init; }

    public ServiceWeights? ServiceWeights { get; init; }

    public string? ServiceKind { get; init; }

    public string? Namespace { get; init; }

    public string? Partition { get; init; }

    public string? PeerName { get; init; }

    public ulong CreateIndex { get; init; }

    public ulong ModifyIndex { get; init; }
}

/// <summary>The answer of <c>/v1/catalog/node/&lt;node&gt;</c>: services keyed by ID.</summary>
internal sealed class CatalogNode
{
    public NodeInfo? Node { get; init; }

    public Dictionary<string, AgentService>? Services { get; init; }
}

/// <summary>The answer of <c>/v1/catalog/node-services/&lt;node&gt;</c>: services as a list; <see cref="Node"/> is null when the node is missing.</summary>
internal sealed class NodeServices
{
    public NodeInfo? Node { get; init; }

    public List<AgentService>? Services { get; init; }
}

/// <summary>One element of <c>/v1/health/service/&lt;name&gt;</c>.</summary>
internal sealed class ServiceEntry
{
    public NodeInfo? Node { get; init; }

    public AgentService? Service { get; init; }

    public List<HealthCheck>? Checks { get; init; }
}

/// <summary>A config entry of any kind: the common fields are typed and the kind-specific ones round-trip untouched.</summary>
internal sealed class ConfigEntry
{
    public string Kind { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    public string? Partition { get; init; }

    public Dictionary<string, string>? Meta { get; init; }

    public ulong? CreateIndex { get; init; }

    public ulong? ModifyIndex { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Fields { get; set; }
}

internal sealed class KvPair
{
    public string Key { get; init; } = string.Empty;

    public byte[]? Value { get; init; }

    public ulong Flags { get; init; }

    public string? Session { get; init; }

    public ulong LockIndex { get; init; }

    public ulong CreateIndex { get; init; }

    public ulong ModifyIndex { get; init; }
}

internal sealed class SessionRequest
{
    public string? Name { get; init; }

    public string? Node { get; init; }

    /// <summary>Go duration, e.g. <c>15s</c>; Consul accepts 10 s to 24 h.</summary>
    public string? TTL { get; init; }

    /// <summary>Go duration; Consul's default is <c>15s</c>.</summary>
    public string? LockDelay { get; init; }

    /// <summary><c>release</c> (the default) or <c>delete</c>.</summary>
    public string? Behavior { get; init; }

    /// <summary>An empty list makes the session depend on its TTL alone, not on the agent's serf health.</summary>
    public List<string>? NodeChecks { get; init; }
}

internal sealed class SessionCreated
{
    public string ID { get; init; } = string.Empty;
}

internal sealed class SessionInfo
{
    public string ID { get; init; } = string.Empty;

    public string? Name { get; init; }

    public string? Node { get; init; }

    public string? Behavior { get; init; }

    public string? TTL { get; init; }

    public ulong CreateIndex { get; init; }

    public ulong ModifyIndex { get; init; }
}

/// <summary>The answer of <c>/v1/connect/ca/roots</c>; only the fields MeshInterop reads (the root PEMs are ignored).</summary>
internal sealed class CaRoots
{
    public string? ActiveRootID { get; init; }

    public string? TrustDomain { get; init; }
}

/// <summary>One element of <c>/v1/exported-services</c>: a service and the peers it is exported to.</summary>
internal sealed class ResolvedExportedService
{
    public string Service { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    public string? Partition { get; init; }

    public ExportedConsumers? Consumers { get; init; }
}

internal sealed class ExportedConsumers
{
    public List<string>? Peers { get; init; }

    public List<string>? Partitions { get; init; }
}

/// <summary>One imported service; CE answers a bare array of these, Enterprise wraps them in <see cref="ImportedServicesEnvelope"/>.</summary>
internal sealed class ImportedService
{
    public string Service { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    public string? Partition { get; init; }

    public string? SourcePeer { get; init; }

    public string? SourcePartition { get; init; }
}

internal sealed class ImportedServicesEnvelope
{
    public string? Partition { get; init; }

    public List<ImportedService>? ImportedServices { get; init; }
}

internal sealed class TxnOp
{
    public TxnKvOp? KV { get; init; }

    public TxnNodeOp? Node { get; init; }

    public TxnServiceOp? Service { get; init; }

    public TxnCheckOp? Check { get; init; }
}

internal sealed class TxnKvOp
{
    public string Verb { get; init; } = string.Empty;

    public string Key { get; init; } = string.Empty;

    public byte[]? Value { get; init; }

    public ulong? Flags { get; init; }

    public ulong? Index { get; init; }

    public string? Session { get; init; }
}

internal sealed class TxnNodeOp
{
    public string Verb { get; init; } = string.Empty;

    public NodeInfo Node { get; init; } = new();
}

internal sealed class TxnServiceOp
{
    public string Verb { get; init; } = string.Empty;

    public string Node { get; init; } = string.Empty;

    public AgentService Service { get; init; } = new();
}

internal sealed class TxnCheckOp
{
    public string Verb { get; init; } = string.Empty;

    public HealthCheck Check { get; init; } = new();
}

internal sealed class TxnResponse
{
    public List<TxnResult>? Results { get; init; }

    public List<TxnErrorBody>? Errors { get; init; }
}

internal sealed class TxnResult
{
    public KvPair? KV { get; init; }

    public NodeInfo? Node { get; init; }

    public AgentService? Service { get; init; }

    public HealthCheck? Check { get; init; }
}

internal sealed class TxnErrorBody
{
    public int OpIndex { get; init; }

    public string? What { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentSelf))]
[JsonSerializable(typeof(CatalogRegistration))]
[JsonSerializable(typeof(CatalogDeregistration))]
[JsonSerializable(typeof(Dictionary<string, List<string>?>))]
[JsonSerializable(typeof(List<CatalogServiceRow>))]
[JsonSerializable(typeof(CatalogNode))]
[JsonSerializable(typeof(NodeServices))]
[JsonSerializable(typeof(List<ServiceEntry>))]
[JsonSerializable(typeof(ConfigEntry))]
[JsonSerializable(typeof(List<ConfigEntry>))]
[JsonSerializable(typeof(List<KvPair>))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionCreated))]
[JsonSerializable(typeof(List<SessionInfo>))]
[JsonSerializable(typeof(List<TxnOp>))]
[JsonSerializable(typeof(TxnResponse))]
[JsonSerializable(typeof(CaRoots))]
[JsonSerializable(typeof(List<ResolvedExportedService>))]
[JsonSerializable(typeof(List<ImportedService>))]
[JsonSerializable(typeof(ImportedServicesEnvelope))]
[JsonSerializable(typeof(List<NodeInfo>))]
[JsonSerializable(typeof(List<HealthCheck>))]
[JsonSerializable(typeof(bool))]
internal sealed partial class ConsulJsonContext : JsonSerializerContext;
