using System.Text.Json;
using System.Text.Json.Nodes;
using MeshInterop.Consul.Internal.Client;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Import;

/// <summary>
/// The optional config entries for imports (reference §5), each off by default: terminating-gateway linked services,
/// <c>service-defaults</c> with the import's protocol, <c>service-resolver</c> redirects aliasing a local name to an import, and
/// <c>service-intentions</c> allowing chosen local callers. Entries this owner creates carry <c>managed-by=meshinterop</c> and its
/// owner ID; an entry someone else created is never overwritten or deleted. Shared entries (the gateway, intentions) are read,
/// merged and written with CAS, retried on a CAS miss.
/// </summary>
internal sealed partial class ConsulImportConfigWriter
{
    private const int MaxCasAttempts = 5;
    private const string ManagedDescription = "managed-by=meshinterop";

    private readonly ConsulHttpClient _client;
    private readonly ConsulImportOptions _options;
    private readonly ILogger _logger;

    // Names this process linked to the gateway or wrote intentions for: the shared entries carry no per-item owner.
    private readonly HashSet<string> _linked = new(StringComparer.Ordinal);

    public ConsulImportConfigWriter(ConsulHttpClient client, ConsulImportOptions options, ILogger<ConsulImportConfigWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options;
        _logger = logger;
    }

    public bool IsEnabled =>
        _options.TerminatingGateway is not null || _options.WriteServiceDefaults || _options.ServiceResolverAliases.Count > 0 || _options.IntentionSources.Count > 0;

    /// <summary>
    /// Brings the entries in line with the imports just written: <paramref name="desired"/> maps peers to names (an empty
    /// instance list removes the name); with <paramref name="complete"/>, managed entries of names not desired are removed too.
    /// </summary>
    public async Task SyncAsync(Dictionary<string, Dictionary<string, IReadOnlyList<DesiredInstance>>> desired, bool complete,
        IEnumerable<string> removed, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        var live = new Dictionary<string, DesiredInstance>(StringComparer.Ordinal);
        var gone = new HashSet<string>(removed, StringComparer.Ordinal);
        foreach (var (name, instances) in desired.Values.SelectMany(d => d))
        {
            if (instances.Count > 0)
            {
                live[name] = instances[0];
            }
            else
            {
                gone.Add(name);
            }
        }

        gone.ExceptWith(live.Keys);
        if (_options.WriteServiceDefaults)
        {
            await SyncOwnedEntriesAsync("service-defaults", live.Keys, gone, complete, name => ServiceDefaults(live[name]), cancellationToken).ConfigureAwait(false);
        }

        if (_options.ServiceResolverAliases.Count > 0)
        {
            var aliases = _options.ServiceResolverAliases.Where(a => live.ContainsKey(a.Value)).Select(a => a.Key).ToList();
            var retired = _options.ServiceResolverAliases.Where(a => gone.Contains(a.Value)).Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
            await SyncOwnedEntriesAsync("service-resolver", aliases, retired, complete, Resolver, cancellationToken).ConfigureAwait(false);
        }

        if (_options.IntentionSources.Count > 0)
        {
            foreach (var name in live.Keys.Order(StringComparer.Ordinal))
            {
                await MergeAsync("service-intentions", name, entry => MergeIntentions(entry, name, add: true), cancellationToken).ConfigureAwait(false);
            }

            foreach (var name in gone.Concat(complete ? _linked.Where(n => !live.ContainsKey(n)) : []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList())
            {
                await MergeAsync("service-intentions", name, entry => MergeIntentions(entry, name, add: false), cancellationToken).ConfigureAwait(false);
            }
        }

        if (_options.TerminatingGateway is { } gateway)
        {
            var unlink = gone.Concat(complete ? _linked.Where(n => !live.ContainsKey(n)) : []).ToHashSet(StringComparer.Ordinal);
            await MergeAsync("terminating-gateway", gateway, entry => MergeGateway(entry, gateway, live, unlink), cancellationToken).ConfigureAwait(false);
        }

        _linked.UnionWith(live.Keys);
        _linked.ExceptWith(gone);
        if (complete)
        {
            _linked.IntersectWith(live.Keys);
        }
    }

    private Dictionary<string, string> ManagedMeta() => new(StringComparer.Ordinal)
    {
        [ImportMarkers.ManagedByKey] = ImportMarkers.ManagedByValue,
        [ImportMarkers.OwnerKey] = _options.OwnerId,
    };

    private bool IsOurs(ConfigEntry entry) =>
        entry.Meta is { } meta
        && meta.TryGetValue(ImportMarkers.ManagedByKey, out var by) && string.Equals(by, ImportMarkers.ManagedByValue, StringComparison.Ordinal)
        && meta.TryGetValue(ImportMarkers.OwnerKey, out var owner) && string.Equals(owner, _options.OwnerId, StringComparison.Ordinal);

    private ConfigEntry ServiceDefaults(DesiredInstance import) => new()
    {
        Kind = "service-defaults",
        Name = import.ServiceName,
        Meta = ManagedMeta(),
        Fields = new() { ["Protocol"] = Element(JsonValue.Create(ConsulProtocol(import.Protocol))) },
    };

    private ConfigEntry Resolver(string local) => new()
    {
        Kind = "service-resolver",
        Name = local,
        Meta = ManagedMeta(),
        Fields = new() { ["Redirect"] = Element(new JsonObject { ["Service"] = _options.ServiceResolverAliases[local] }) },
    };

    /// <summary>Consul's mesh protocols: <c>http</c>, <c>http2</c>, <c>grpc</c>, else <c>tcp</c> (TLS and opaque protocols pass as TCP).</summary>
    internal static string ConsulProtocol(string protocol) => protocol switch
    {
        "HTTP" => "http",
        "HTTP2" => "http2",
        "GRPC" => "grpc",
        _ => "tcp",
    };

    /// <summary>Per-service entries this owner alone manages: created with cas=0, updated and deleted with the index read, never if foreign.</summary>
    private async Task SyncOwnedEntriesAsync(string kind, IEnumerable<string> live, IReadOnlySet<string> gone, bool complete, Func<string, ConfigEntry> build,
        CancellationToken cancellationToken)
    {
        var liveSet = live.ToHashSet(StringComparer.Ordinal);
        foreach (var name in liveSet.Order(StringComparer.Ordinal))
        {
            var wanted = build(name);
            var current = (await _client.GetConfigEntryAsync(kind, name, ConsulQuery.Default, cancellationToken).ConfigureAwait(false)).Value;
            if (current is not null && !IsOurs(current))
            {
                Log.ConfigEntryNotOwned(_logger, kind, name);
                continue;
            }

            if (current is not null && SameFields(current, wanted))
            {
                continue;
            }

            if (!await _client.SetConfigEntryAsync(wanted, current?.ModifyIndex ?? 0, cancellationToken).ConfigureAwait(false))
            {
                Log.ConfigEntryCasMissed(_logger, kind, name);
            }
        }

        var retire = new HashSet<string>(gone, StringComparer.Ordinal);
        if (complete)
        {
            var all = await _client.ListConfigEntriesAsync(kind, ConsulQuery.Default, cancellationToken).ConfigureAwait(false);
            retire.UnionWith(all.Value.Where(e => IsOurs(e) && !liveSet.Contains(e.Name)).Select(e => e.Name));
        }

        foreach (var name in retire.Where(n => !liveSet.Contains(n)).Order(StringComparer.Ordinal))
        {
            var current = (await _client.GetConfigEntryAsync(kind, name, ConsulQuery.Default, cancellationToken).ConfigureAwait(false)).Value;
            if (current is { ModifyIndex: { } index } && IsOurs(current))
            {
                await _client.DeleteConfigEntryAsync(kind, name, index, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool SameFields(ConfigEntry current, ConfigEntry wanted) =>
        (wanted.Fields ?? []).All(p => current.Fields is { } fields && fields.TryGetValue(p.Key, out var value) && JsonElement.DeepEquals(value, p.Value));

    /// <summary>Read, merge, write with CAS; a CAS miss re-reads. A merge that returns null leaves the entry as it is.</summary>
    private async Task MergeAsync(string kind, string name, Func<ConfigEntry?, ConfigEntry?> merge, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxCasAttempts; attempt++)
        {
            var current = (await _client.GetConfigEntryAsync(kind, name, ConsulQuery.Default, cancellationToken).ConfigureAwait(false)).Value;
            var next = merge(current);
            if (next is null)
            {
                return;
            }

            if (next.Fields is null && current is { ModifyIndex: { } index })
            {
                // Nothing left in an entry this owner created: remove it.
                if (await _client.DeleteConfigEntryAsync(kind, name, index, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            else if (await _client.SetConfigEntryAsync(next, current?.ModifyIndex ?? 0, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            Log.ConfigEntryCasMissed(_logger, kind, name);
        }

        throw new InvalidOperationException($"Config entry {kind} '{name}' kept changing under {MaxCasAttempts} merge attempts; it is retried on the next pass.");
    }

    /// <summary>Links live imports to the gateway and unlinks retired ones; every other item stays exactly as it is.</summary>
    private ConfigEntry? MergeGateway(ConfigEntry? current, string gateway, Dictionary<string, DesiredInstance> live, HashSet<string> unlink)
    {
        var items = Items(current, "Services");
        var kept = items.Where(i => !(Str(i, "Name") is { } n && (live.ContainsKey(n) || unlink.Contains(n)))).ToList();
        var ours = live.Values.OrderBy(i => i.ServiceName, StringComparer.Ordinal).Select(GatewayItem).ToList();
        var merged = kept.Concat(ours).ToList();
        if (current is not null && SameItems(merged, items))
        {
            return null;
        }

        if (current is null && ours.Count == 0)
        {
            return null;
        }

        return Entry("terminating-gateway", gateway, current, "Services", merged, deleteWhenEmpty: false);
    }

    private JsonObject GatewayItem(DesiredInstance import)
    {
        var item = new JsonObject { ["Name"] = import.ServiceName };
        if (import.Sni.Length > 0)
        {
            item["SNI"] = import.Sni;
        }

        if (_options.GatewayTls.TryGetValue(import.Peer, out var tls))
        {
            if (tls.CaFile is { } ca)
            {
                item["CAFile"] = ca;
            }

            if (tls.CertFile is { } cert)
            {
                item["CertFile"] = cert;
            }

            if (tls.KeyFile is { } key)
            {
                item["KeyFile"] = key;
            }
        }

        return item;
    }

    /// <summary>Adds (or removes) this owner's allow sources; sources of anyone else, and their order, are kept.</summary>
    private ConfigEntry? MergeIntentions(ConfigEntry? current, string name, bool add)
    {
        var marker = ManagedDescription + " owner=" + _options.OwnerId;
        var items = Items(current, "Sources");
        var kept = items.Where(i => !string.Equals(Str(i, "Description"), marker, StringComparison.Ordinal)).ToList();
        var keptNames = kept.Select(i => Str(i, "Name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var ours = add
            ? _options.IntentionSources.Where(s => !keptNames.Contains(s)).Select(s => new JsonObject { ["Name"] = s, ["Action"] = "allow", ["Description"] = marker }).ToList()
            : [];
        var merged = kept.Concat(ours).ToList();
        if (SameItems(merged, items))
        {
            return null;
        }

        if (current is null && merged.Count == 0)
        {
            return null;
        }

        return Entry("service-intentions", name, current, "Sources", merged, deleteWhenEmpty: current is null || IsOurs(current));
    }

    private ConfigEntry Entry(string kind, string name, ConfigEntry? current, string listField, List<JsonObject> items, bool deleteWhenEmpty)
    {
        if (items.Count == 0 && deleteWhenEmpty && current is not null)
        {
            return new ConfigEntry { Kind = kind, Name = current.Name };      // no fields: delete the entry we created
        }

        var fields = new Dictionary<string, JsonElement>(current?.Fields ?? [], StringComparer.Ordinal)
        {
            [listField] = Element(new JsonArray([.. items.Select(i => i.DeepClone())])),
        };
        return new ConfigEntry { Kind = kind, Name = current?.Name ?? name, Meta = current is null ? ManagedMeta() : current.Meta, Fields = fields };
    }

    private static JsonElement Element(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    private static bool SameItems(List<JsonObject> a, List<JsonObject> b) =>
        a.Count == b.Count && a.Zip(b).All(p => JsonNode.DeepEquals(p.First, p.Second));

    private static List<JsonObject> Items(ConfigEntry? entry, string field)
    {
        if (entry?.Fields is not { } fields)
        {
            return [];
        }

        foreach (var (key, value) in fields)
        {
            if (string.Equals(key, field, StringComparison.OrdinalIgnoreCase) && value.ValueKind == JsonValueKind.Array)
            {
                return [.. value.EnumerateArray().Select(e => JsonNode.Parse(e.GetRawText()) as JsonObject).OfType<JsonObject>()];
            }
        }

        return [];
    }

    private static string? Str(JsonObject item, string name) =>
        item.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
