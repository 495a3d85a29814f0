using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;

namespace MeshInterop.Consul.Tests.TestSupport;

/// <summary>Import-view entries as the federation agent hands them to a sink: keyed by local name, with a peer origin.</summary>
internal static class Imports
{
    public static CatalogEntry Entry(string peer, string remote, string? local = null, ServiceHealth health = ServiceHealth.Unknown,
        string fqdn = "", params (string Address, int Port)[] endpoints)
    {
        local ??= peer + "-" + remote;
        return new CatalogEntry
        {
            Key = new ServiceKey(local),
            Name = local,
            Fqdn = fqdn.Length > 0 ? fqdn : remote + "." + peer + ".mesh.example",
            Sni = remote + "." + peer + ".mesh.example",
            Endpoints = endpoints.Length > 0
                ? [.. endpoints.Select(e => new CatalogEndpoint { Address = e.Address, Port = e.Port })]
                : [new CatalogEndpoint { Address = "gw." + peer + ".example.net", Port = 8443 }],
            Instances = [new CatalogInstance { Id = "i1", Protocol = "HTTP" }],
            Health = health,
            Origin = CatalogOrigin.FromPeer(peer, new ServiceKey(remote)),
        };
    }

    public static CatalogSnapshot Snapshot(params CatalogEntry[] entries) => CatalogSnapshot.Create(entries);

    public static CatalogDiff Added(params CatalogEntry[] entries) => CatalogDiff.Create(entries.Select(CatalogChange.Added));

    public static CatalogDiff Removed(params CatalogEntry[] entries) => CatalogDiff.Create(entries.Select(CatalogChange.Removed));

    public static CatalogDiff Updated(CatalogEntry before, CatalogEntry after) => CatalogDiff.Create([CatalogChange.Updated(before, after)]);
}
