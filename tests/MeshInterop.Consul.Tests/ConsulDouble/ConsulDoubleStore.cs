using System.Text.Json.Nodes;

namespace MeshInterop.Consul.Tests.ConsulDouble;

/// <summary>A failure the double answers with: a status and Consul's plain-text body (or a JSON body for the txn 409).</summary>
public sealed class DoubleErrorException(int statusCode, string text, bool isJson = false) : Exception(text)
{
    public int StatusCode { get; } = statusCode;

    public string Text { get; } = text;

    public bool IsJson { get; } = isJson;
}

public sealed record StoredNode(string Name, string Address, SortedDictionary<string, string> TaggedAddresses, SortedDictionary<string, string> Meta,
    ulong CreateIndex, ulong ModifyIndex, bool AgentOwned = false)
{
    public bool SameContent(StoredNode other) =>
        string.Equals(Address, other.Address, StringComparison.Ordinal) && TaggedAddresses.SequenceEqual(other.TaggedAddresses) && Meta.SequenceEqual(other.Meta);
}

public sealed record StoredService(string Node, string Id, string Name, string Kind, List<string> Tags, SortedDictionary<string, string> Meta,
    string Address, int Port, SortedDictionary<string, (string Address, int Port)> TaggedAddresses, int WeightPassing, int WeightWarning,
    string Namespace, ulong CreateIndex, ulong ModifyIndex, bool WrittenByAgent = false, int AntiEntropyTicks = 0)
{
    public bool SameContent(StoredService other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal) && string.Equals(Kind, other.Kind, StringComparison.Ordinal)
        && Tags.SequenceEqual(other.Tags) && Meta.SequenceEqual(other.Meta) && string.Equals(Address, other.Address, StringComparison.Ordinal)
        && Port == other.Port && TaggedAddresses.SequenceEqual(other.TaggedAddresses) && WeightPassing == other.WeightPassing
        && WeightWarning == other.WeightWarning && string.Equals(Namespace, other.Namespace, StringComparison.Ordinal);
}

public sealed record StoredCheck(string Node, string CheckId, string Name, string Status, string Notes, string Output, string ServiceId,
    string ServiceName, string Type, string Namespace, ulong CreateIndex, ulong ModifyIndex, bool WrittenByAgent = false)
{
    public bool SameContent(StoredCheck other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal) && string.Equals(Status, other.Status, StringComparison.Ordinal)
        && string.Equals(Notes, other.Notes, StringComparison.Ordinal) && string.Equals(Output, other.Output, StringComparison.Ordinal)
        && string.Equals(ServiceId, other.ServiceId, StringComparison.Ordinal) && string.Equals(ServiceName, other.ServiceName, StringComparison.Ordinal)
        && string.Equals(Type, other.Type, StringComparison.Ordinal);
}

public sealed record StoredConfig(string Kind, string Name, string Namespace, JsonObject Body, ulong CreateIndex, ulong ModifyIndex);

public sealed record StoredKv(string Key, byte[] Value, ulong Flags, string? Session, ulong LockIndex, ulong CreateIndex, ulong ModifyIndex);

public sealed record StoredSession(string Id, string Name, string Node, TimeSpan? Ttl, TimeSpan LockDelay, string Behavior,
    ulong CreateIndex, ulong ModifyIndex, DateTimeOffset RenewedAt);

/// <summary>
/// The double's state: one global, strictly increasing index (starting at 1) and an index per table, like Consul's Raft store.
/// All access happens under <see cref="Gate"/>. <see cref="Clone"/> gives transactions their all-or-nothing semantics.
/// </summary>
public sealed class ConsulDoubleStore
{
    public const string NodesTable = "nodes";
    public const string ServicesTable = "services";
    public const string ChecksTable = "checks";
    public const string ConfigTable = "config";
    public const string KvTable = "kvs";
    public const string SessionsTable = "sessions";

    public object Gate { get; } = new();

    public ulong Index { get; set; } = 1;

    public Dictionary<string, ulong> TableIndexes { get; private set; } = new(StringComparer.Ordinal)
    {
        [NodesTable] = 1,
        [ServicesTable] = 1,
        [ChecksTable] = 1,
        [ConfigTable] = 1,
        [KvTable] = 1,
        [SessionsTable] = 1,
    };

    /// <summary>Gets the per-service-name index ("service.&lt;name&gt;" in Consul): bumped by every write touching the name, even an idempotent one.</summary>
    public Dictionary<string, ulong> ServiceIndexes { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, StoredNode> Nodes { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets services keyed by "node/id" (node case-insensitive, like Consul).</summary>
    public Dictionary<string, StoredService> Services { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, StoredCheck> Checks { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, StoredConfig> ConfigEntries { get; private set; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, StoredKv> Kv { get; private set; } = new(StringComparer.Ordinal);

    public Dictionary<string, StoredSession> Sessions { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Gets, per key, the time before which a lock may not be re-acquired after its session was invalidated (lock delay).</summary>
    public Dictionary<string, DateTimeOffset> LockDelays { get; private set; } = new(StringComparer.Ordinal);

    public static string ServiceKey(string node, string id) => node + "/" + id;

    public static string ConfigKey(string kind, string name, string ns) => kind + "/" + ns + "/" + name;

    public ulong NextIndex() => ++Index;

    public void Touch(string table, ulong index) => TableIndexes[table] = index;

    public void TouchService(string name, ulong index)
    {
        ServiceIndexes[name] = index;
        TableIndexes[ServicesTable] = index;
    }

    /// <summary>The index of a query on one service name: its own index, or the whole table's when the name is unknown (Consul issue #3712).</summary>
    public ulong ServiceQueryIndex(string name) =>
        ServiceIndexes.TryGetValue(name, out var index) ? index : Math.Max(TableIndexes[ServicesTable], TableIndexes[NodesTable]);

    public ConsulDoubleStore Clone()
    {
        var copy = new ConsulDoubleStore
        {
            Index = Index,
            TableIndexes = new(TableIndexes, StringComparer.Ordinal),
            ServiceIndexes = new(ServiceIndexes, StringComparer.OrdinalIgnoreCase),
            Nodes = new(Nodes, StringComparer.OrdinalIgnoreCase),
            Services = new(Services, StringComparer.OrdinalIgnoreCase),
            Checks = new(Checks, StringComparer.OrdinalIgnoreCase),
            ConfigEntries = new(ConfigEntries, StringComparer.Ordinal),
            Kv = new(Kv, StringComparer.Ordinal),
            Sessions = new(Sessions, StringComparer.Ordinal),
            LockDelays = new(LockDelays, StringComparer.Ordinal),
        };
        return copy;
    }

    public void ReplaceWith(ConsulDoubleStore other)
    {
        Index = other.Index;
        TableIndexes = other.TableIndexes;
        ServiceIndexes = other.ServiceIndexes;
        Nodes = other.Nodes;
        Services = other.Services;
        Checks = other.Checks;
        ConfigEntries = other.ConfigEntries;
        Kv = other.Kv;
        Sessions = other.Sessions;
        LockDelays = other.LockDelays;
    }

    /// <summary>Fault a: a snapshot restore that lowers every index to at most <paramref name="newIndex"/>.</summary>
    public void LowerIndexes(ulong newIndex)
    {
        Index = newIndex;
        foreach (var key in TableIndexes.Keys.ToList())
        {
            TableIndexes[key] = Math.Min(TableIndexes[key], newIndex);
        }

        foreach (var key in ServiceIndexes.Keys.ToList())
        {
            ServiceIndexes[key] = Math.Min(ServiceIndexes[key], newIndex);
        }

        Nodes = Nodes.ToDictionary(p => p.Key, p => p.Value with { CreateIndex = Math.Min(p.Value.CreateIndex, newIndex), ModifyIndex = Math.Min(p.Value.ModifyIndex, newIndex) }, StringComparer.OrdinalIgnoreCase);
        Services = Services.ToDictionary(p => p.Key, p => p.Value with { CreateIndex = Math.Min(p.Value.CreateIndex, newIndex), ModifyIndex = Math.Min(p.Value.ModifyIndex, newIndex) }, StringComparer.OrdinalIgnoreCase);
        Checks = Checks.ToDictionary(p => p.Key, p => p.Value with { CreateIndex = Math.Min(p.Value.CreateIndex, newIndex), ModifyIndex = Math.Min(p.Value.ModifyIndex, newIndex) }, StringComparer.OrdinalIgnoreCase);
        ConfigEntries = ConfigEntries.ToDictionary(p => p.Key, p => p.Value with { CreateIndex = Math.Min(p.Value.CreateIndex, newIndex), ModifyIndex = Math.Min(p.Value.ModifyIndex, newIndex) }, StringComparer.Ordinal);
        Kv = new(Kv.ToDictionary(p => p.Key, p => p.Value with { CreateIndex = Math.Min(p.Value.CreateIndex, newIndex), ModifyIndex = Math.Min(p.Value.ModifyIndex, newIndex) }, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    public IEnumerable<StoredCheck> ChecksOf(StoredService service) =>
        Checks.Values.Where(c => string.Equals(c.Node, service.Node, StringComparison.OrdinalIgnoreCase)
                                 && (c.ServiceId.Length == 0 || string.Equals(c.ServiceId, service.Id, StringComparison.Ordinal)));

    public void DeleteService(string node, string id, ulong index)
    {
        if (!Services.Remove(ServiceKey(node, id), out var service))
        {
            return;
        }

        foreach (var check in Checks.Where(c => string.Equals(c.Value.Node, node, StringComparison.OrdinalIgnoreCase)
                                                && string.Equals(c.Value.ServiceId, id, StringComparison.Ordinal)).Select(c => c.Key).ToList())
        {
            Checks.Remove(check);
            Touch(ChecksTable, index);
        }

        TouchService(service.Name, index);
    }

    public void DeleteNode(string node, ulong index)
    {
        if (!Nodes.Remove(node))
        {
            return;
        }

        foreach (var service in Services.Values.Where(s => string.Equals(s.Node, node, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            DeleteService(node, service.Id, index);
        }

        foreach (var check in Checks.Where(c => string.Equals(c.Value.Node, node, StringComparison.OrdinalIgnoreCase)).Select(c => c.Key).ToList())
        {
            Checks.Remove(check);
            Touch(ChecksTable, index);
        }

        Touch(NodesTable, index);
    }

    /// <summary>Bumps the index of every service on a node (a node-level check or node change affects their health).</summary>
    public void TouchServicesOnNode(string node, ulong index)
    {
        foreach (var service in Services.Values.Where(s => string.Equals(s.Node, node, StringComparison.OrdinalIgnoreCase)))
        {
            TouchService(service.Name, index);
        }
    }
}
