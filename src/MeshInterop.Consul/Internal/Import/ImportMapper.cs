using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;

namespace MeshInterop.Consul.Internal.Import;

/// <summary>The markers that make an import recognisable, and ownable, in Consul (reference §2, §14).</summary>
internal static class ImportMarkers
{
    public const string Tag = "meshinterop";
    public const string ExternalSourceKey = "external-source";
    public const string ExternalSourceValue = "meshinterop";
    public const string ExternalNodeKey = "external-node";
    public const string OwnerKey = "meshinterop-owner";
    public const string PeerKey = "meshinterop-peer";
    public const string OriginKey = "meshinterop-origin";
    public const string FqdnKey = "meshinterop-fqdn";
    public const string SniKey = "meshinterop-sni";
    public const string GenerationKey = "meshinterop-generation";
    public const string CheckName = "MeshInterop federated health";
    public const string CheckIdPrefix = "meshinterop:";
    public const string NodePrefix = "meshinterop-";
    public const string ManagedByKey = "managed-by";
    public const string ManagedByValue = "meshinterop";

    /// <summary>Consul's limit on a meta value; longer values are left out rather than cut.</summary>
    public const int MaxMetaValueLength = 512;
}

/// <summary>One Consul service instance an import should be, before its generation is known.</summary>
internal sealed record DesiredInstance(
    string Peer,
    string ServiceId,
    string ServiceName,
    string Address,
    int Port,
    SortedDictionary<string, string> Meta,
    string Status,
    string Output,
    string Protocol = "",
    string Sni = "")
{
    public string CheckId => ImportMarkers.CheckIdPrefix + ServiceId;
}

/// <summary>
/// Pure mapping from an import-view entry to the Consul instances that represent it: one per distinct endpoint (the owner's
/// ingress addresses), with deterministic IDs <c>&lt;local&gt;-&lt;12 hex SHA-256(peer, remote key, endpoint)&gt;</c>.
/// </summary>
internal static class ImportMapper
{
    private const int MaxPeerLabelLength = 50;

    /// <summary>The synthetic node of a peer: <c>meshinterop-&lt;peer&gt;</c>, the peer name folded to a DNS label (hashed when too long).</summary>
    public static string NodeName(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        var folded = new StringBuilder(peer.Length);
        foreach (var ch in peer)
        {
            var lower = ch is >= 'A' and <= 'Z' ? (char)(ch + ('a' - 'A')) : ch;
            folded.Append(lower is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? lower : '-');
        }

        var label = folded.ToString().Trim('-');
        if (label.Length == 0 || label.Length > MaxPeerLabelLength || !string.Equals(label, peer, StringComparison.Ordinal))
        {
            // Folding or cutting could make two peers share a node: a hash of the exact name keeps them apart.
            var hash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(peer)), 8);
            var keep = Math.Min(label.Length, MaxPeerLabelLength - hash.Length - 1);
            label = (keep > 0 ? label[..keep].TrimEnd('-') + "-" : string.Empty) + hash;
        }

        return ImportMarkers.NodePrefix + label;
    }

    /// <summary>The deterministic instance ID: the same import, peer and endpoint always give the same ID, on every replica.</summary>
    public static string InstanceId(string localName, string peer, ServiceKey remoteKey, string address, int port)
    {
        var input = string.Join('\n', peer, remoteKey.Name, address, port.ToString(CultureInfo.InvariantCulture));
        return localName + "-" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(input)), 12);
    }

    /// <summary>The federated health as a Consul check status. Hamlet carries no health, so an unknown health is passing.</summary>
    public static string StatusOf(ServiceHealth health) => health switch
    {
        ServiceHealth.Warning => "warning",
        ServiceHealth.Critical => "critical",
        _ => "passing",
    };

    /// <summary>
    /// Maps an import to its instances, or says why it cannot be written: it must come from a peer, its local name must be a
    /// DNS label (Consul names are case-insensitive labels), and every endpoint must be a host and port.
    /// </summary>
    public static bool TryMap(CatalogEntry entry, string ownerId, out string peer, out List<DesiredInstance> instances, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(entry);
        instances = [];
        peer = entry.Origin.PeerName ?? string.Empty;
        if (entry.Origin.IsLocal)
        {
            problem = "it has no peer origin; only imports are written";
            return false;
        }

        var name = entry.Key.Name;
        if (!DnsNames.IsDns1123Label(name))
        {
            problem = "its local name is not a lower-case DNS label of at most 63 characters";
            return false;
        }

        var meta = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ImportMarkers.ExternalSourceKey] = ImportMarkers.ExternalSourceValue,
            [ImportMarkers.OwnerKey] = ownerId,
        };
        AddMeta(meta, ImportMarkers.PeerKey, peer);
        AddMeta(meta, ImportMarkers.OriginKey, entry.Origin.RemoteKey.Name);
        AddMeta(meta, ImportMarkers.FqdnKey, entry.Fqdn);
        AddMeta(meta, ImportMarkers.SniKey, entry.Sni);
        var status = StatusOf(entry.Health);
        var output = "Imported from peer '" + peer + "'; federated health " + entry.Health.ToString().ToLowerInvariant() + ".";
        var seen = new HashSet<(string, int)>();
        foreach (var endpoint in entry.Endpoints)
        {
            if (endpoint.Port is < 1 or > 65535 || (!DnsNames.IsHostName(endpoint.Address) && !System.Net.IPAddress.TryParse(endpoint.Address, out _)))
            {
                problem = $"endpoint '{endpoint.Address}:{endpoint.Port}' is not a host or IP address with a port from 1 to 65535";
                instances = [];
                return false;
            }

            if (seen.Add((endpoint.Address, endpoint.Port)))
            {
                instances.Add(new DesiredInstance(peer, InstanceId(name, peer, entry.Origin.RemoteKey, endpoint.Address, endpoint.Port), name,
                    endpoint.Address, endpoint.Port, meta, status, output, ProtocolOf(entry), entry.Sni));
            }
        }

        problem = null;
        return true;
    }

    /// <summary>The protocol of the import's first instance (v1alpha2) or its first protocol (v1alpha1); empty when it declares none.</summary>
    private static string ProtocolOf(CatalogEntry entry) =>
        entry.Instances.Select(i => i.Protocol).FirstOrDefault(p => p.Length > 0) ?? entry.Protocols.FirstOrDefault() ?? string.Empty;

    private static void AddMeta(SortedDictionary<string, string> meta, string key, string value)
    {
        if (value.Length is > 0 and <= ImportMarkers.MaxMetaValueLength)
        {
            meta[key] = value;
        }
    }

    private static string Hex(byte[] hash, int length) => Convert.ToHexStringLower(hash)[..length];
}
