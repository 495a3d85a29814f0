using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;

namespace MeshInterop.Consul.Internal.Export;

/// <summary>A service selected for export, and why: the config entry exports every instance, a tag or meta only matching ones.</summary>
internal sealed record ExportTarget(string Name, string? Namespace, bool ByConfigEntry)
{
    /// <summary>Gets the identity of the target within the datacenter (namespace and name).</summary>
    public string Id => Namespace is null or "default" ? Name : Namespace + "/" + Name;
}

/// <summary>An address peers dial to reach exported services.</summary>
internal readonly record struct GatewayAddress(string Address, int Port)
{
    public static bool TryParse(string text, out GatewayAddress address)
    {
        address = default;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || host.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        address = new GatewayAddress(host, port);
        return true;
    }
}

/// <summary>
/// Pure mapping from Consul reads to catalog entries: which services the <c>exported-services</c> entry selects, which
/// instances pass the loop guard and the selection, and the <see cref="CatalogEntry"/> that describes them.
/// </summary>
internal static class ConsulExportMapper
{
    /// <summary>The marker every import carries; anything with it was written by a MeshInterop sink and is never exported again.</summary>
    public const string ImportMarker = "meshinterop";

    private const string GatewayLabel = "gateway";

    /// <summary>Reads the services of an <c>exported-services</c> entry that name <paramref name="consumer"/> as a peer (<c>Peer</c>, <c>PeerName</c> or <c>peer_name</c>).</summary>
    public static IReadOnlyList<(string Name, string? Namespace)> ExportedTo(ConfigEntry? entry, string consumer)
    {
        List<(string, string?)> result = [];
        if (entry?.Fields is null || !TryGet(entry.Fields, "Services", out var services) || services.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var service in services.EnumerateArray())
        {
            if (service.ValueKind != JsonValueKind.Object || String(service, "Name") is not { Length: > 0 } name
                || !TryGetProperty(service, "Consumers", out var consumers) || consumers.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var item in consumers.EnumerateArray())
            {
                var peer = String(item, "Peer") ?? String(item, "PeerName") ?? String(item, "peer_name");
                if (string.Equals(peer, consumer, StringComparison.Ordinal))
                {
                    result.Add((name, String(service, "Namespace")));
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>Whether an instance may be exported: not an import (loop guard), not a proxy or gateway, passing if required, and selected.</summary>
    public static bool IsExportable(ServiceEntry entry, ExportTarget target, ConsulExportOptions options)
    {
        var service = entry.Service;
        if (service is null || IsImport(entry) || !string.IsNullOrEmpty(service.Kind))
        {
            return false;
        }

        if (options.PassingOnly && (entry.Checks ?? []).Any(c => !string.Equals(c.Status, "passing", StringComparison.Ordinal)))
        {
            return false;
        }

        return target.ByConfigEntry
            || (options.ExportTag is { } tag && (service.Tags ?? []).Contains(tag, StringComparer.Ordinal))
            || (options.ExportMetaKey is { } key && service.Meta is { } meta && meta.TryGetValue(key, out var value)
                && string.Equals(value, options.ExportMetaValue, StringComparison.Ordinal));
    }

    /// <summary>The loop guard: imported entries (our marker in meta or tags) and Consul-peered data are never exported.</summary>
    public static bool IsImport(ServiceEntry entry) =>
        !string.IsNullOrEmpty(entry.Service?.PeerName)
        || !string.IsNullOrEmpty(entry.Node?.PeerName)
        || (entry.Service?.Meta is { } meta && meta.TryGetValue("external-source", out var source) && string.Equals(source, ImportMarker, StringComparison.Ordinal))
        || (entry.Node?.Meta is { } nodeMeta && nodeMeta.TryGetValue("external-source", out var nodeSource) && string.Equals(nodeSource, ImportMarker, StringComparison.Ordinal))
        || (entry.Service?.Tags ?? []).Contains(ImportMarker, StringComparer.Ordinal);

    /// <summary>The addresses of passing gateway instances: the <c>wan</c> tagged address when present, else the service or node address.</summary>
    public static ImmutableArray<GatewayAddress> GatewaysOf(IEnumerable<ServiceEntry> gateways) =>
    [
        .. gateways
            .Where(g => g.Service is not null && (g.Checks ?? []).All(c => string.Equals(c.Status, "passing", StringComparison.Ordinal)))
            .Select(g => g.Service!.TaggedAddresses is { } tagged && tagged.TryGetValue("wan", out var wan) && !string.IsNullOrEmpty(wan.Address)
                ? new GatewayAddress(wan.Address, wan.Port)
                : new GatewayAddress(!string.IsNullOrEmpty(g.Service.Address) ? g.Service.Address : g.Node?.Address ?? string.Empty, g.Service.Port))
            .Where(a => a.Address.Length > 0 && a.Port is > 0 and <= 65535)
            .Distinct()
            .OrderBy(a => a.Address, StringComparer.Ordinal).ThenBy(a => a.Port),
    ];

    /// <summary>
    /// Builds the entry of one exported service, or null when no instance is exportable. Checks are flattened to the worst
    /// status per instance; the service is passing when every instance passes and critical when every instance is critical.
    /// </summary>
    public static CatalogEntry? Build(ExportTarget target, IReadOnlyList<ServiceEntry> entries, ImmutableArray<GatewayAddress> gateways,
        ConsulExportOptions options, string datacenter, string? partition, string? trustDomain)
    {
        var exportable = entries.Where(e => IsExportable(e, target, options))
            .OrderBy(e => e.Node?.Node, StringComparer.Ordinal).ThenBy(e => e.Service!.ID, StringComparer.Ordinal).ToList();
        if (exportable.Count == 0)
        {
            return null;
        }

        var name = target.Name.ToLowerInvariant();
        var ns = target.Namespace is null or "" ? "default" : target.Namespace;
        var idCounts = exportable.GroupBy(e => e.Service!.ID ?? e.Service.Service, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var endpoints = ImmutableArray.CreateBuilder<CatalogEndpoint>();
        var instances = ImmutableArray.CreateBuilder<CatalogInstance>();
        var statuses = new List<int>();
        foreach (var gateway in gateways)
        {
            endpoints.Add(new CatalogEndpoint { Address = gateway.Address, Port = gateway.Port, Labels = [GatewayLabel] });
        }

        foreach (var entry in exportable)
        {
            var service = entry.Service!;
            var serviceId = service.ID ?? service.Service;
            var id = idCounts[serviceId] > 1 ? serviceId + "." + entry.Node?.Node : serviceId;
            var protocol = service.Meta is { } meta && meta.TryGetValue("protocol", out var declared) && ServiceProtocols.TryGetCanonical(declared, out var canonical)
                ? canonical
                : options.DefaultProtocol;
            var instance = new CatalogInstance { Id = id, Protocol = protocol };
            if (gateways.IsEmpty)
            {
                var label = instance.GetDnsLabel() is { Length: > 0 } dns ? dns : "instance-" + instances.Count.ToString(CultureInfo.InvariantCulture);
                var address = !string.IsNullOrEmpty(service.Address) ? service.Address : entry.Node?.Address ?? string.Empty;
                endpoints.Add(new CatalogEndpoint { Address = address, Port = service.Port, Labels = [label] });
                instance = instance with { EndpointSelector = [label] };
            }

            instances.Add(instance);
            statuses.Add(WorstStatus(entry.Checks));
        }

        var health = statuses.All(s => s == 0) ? ServiceHealth.Passing
            : statuses.All(s => s >= 2) ? ServiceHealth.Critical
            : ServiceHealth.Warning;
        var sharedMeta = exportable.Select(e => e.Service!.Meta ?? []).Aggregate((IEnumerable<KeyValuePair<string, string>>?)null,
            (common, meta) => common is null ? meta : common.Where(p => meta.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal)).ToList())
            ?? [];
        var defaultPartition = partition is null or "" or "default";
        var entryResult = new CatalogEntry
        {
            Key = new ServiceKey(ns == "default" ? name : name + "." + ns.ToLowerInvariant()),
            Name = name,
            Fqdn = ns == "default"
                ? $"{name}.service.{datacenter}.{options.Domain}"
                : $"{name}.service.{ns.ToLowerInvariant()}.ns.{datacenter}.dc.{options.Domain}",
            Tags = [.. exportable.SelectMany(e => e.Service!.Tags ?? []).Distinct(StringComparer.Ordinal)],
            Labels = StringMap.Create(sharedMeta.Where(p => !string.Equals(p.Key, "protocol", StringComparison.Ordinal))),
            Endpoints = endpoints.ToImmutable(),
            Instances = instances.ToImmutable(),
            Ports = [.. exportable.Select(e => e.Service!.Port).Where(p => p is > 0 and <= 65535).Distinct().Select(p => new ServicePort { Port = p })],
            Health = health,
            Origin = CatalogOrigin.Local,
        };

        if (trustDomain is not null)
        {
            // Consul's mesh naming: SNI <svc>.<ns>.<dc>.internal.<td> (non-default partition: <svc>.<ns>.<ap>.<dc>.internal-v1.<td>)
            // and SPIFFE ID spiffe://<td>/ns/<ns>/dc/<dc>/svc/<svc> (non-default partition: spiffe://<td>/ap/<ap>/ns/<ns>/dc/<dc>/svc/<svc>).
            entryResult = entryResult with
            {
                Sni = defaultPartition
                    ? $"{target.Name}.{ns}.{datacenter}.internal.{trustDomain}"
                    : $"{target.Name}.{ns}.{partition}.{datacenter}.internal-v1.{trustDomain}",
                SubjectAlternativeNames = [defaultPartition
                    ? $"spiffe://{trustDomain}/ns/{ns}/dc/{datacenter}/svc/{target.Name}"
                    : $"spiffe://{trustDomain}/ap/{partition}/ns/{ns}/dc/{datacenter}/svc/{target.Name}"],
            };
        }

        return entryResult;
    }

    /// <summary>0 passing, 1 warning, 2 critical; maintenance counts as critical (the worst status wins).</summary>
    private static int WorstStatus(List<HealthCheck>? checks) =>
        (checks ?? []).Select(c => c.Status switch
        {
            "passing" => 0,
            "warning" => 1,
            _ => 2,
        }).DefaultIfEmpty(0).Max();

    private static string? String(JsonElement element, string name) =>
        TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    private static bool TryGet(Dictionary<string, JsonElement> fields, string name, out JsonElement value)
    {
        foreach (var (key, element) in fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = element;
                return true;
            }
        }

        value = default;
        return false;
    }
}
