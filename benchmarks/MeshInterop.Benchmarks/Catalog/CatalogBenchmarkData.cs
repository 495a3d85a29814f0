using System.Globalization;
using MeshInterop.Catalog;

namespace MeshInterop.Benchmarks.Catalog;

/// <summary>
/// Typical catalog entries (2 endpoints, 1 instance, 5 labels, 1 SAN, 1 port). Every string is built at run time,
/// as a registry or wire parser would allocate it, so nothing is shared through literal interning.
/// </summary>
internal static class CatalogBenchmarkData
{
    public static CatalogEntry Typical(int i, int version = 1)
    {
        var key = "svc-" + i.ToString("D6", CultureInfo.InvariantCulture);
        var ns = "ns-" + (i % 50).ToString(CultureInfo.InvariantCulture);
        var fqdn = string.Concat(key, ".", ns, ".mesh-b.example");
        var zoneA = "zone-" + "a";
        var zoneB = "zone-" + "b";
        return new CatalogEntry
        {
            Key = new ServiceKey(key),
            Name = key,
            Fqdn = fqdn,
            Labels = StringMap.Create(
                new KeyValuePair<string, string>("app" + string.Empty, key),
                new KeyValuePair<string, string>(string.Concat("te", "am"), "team-" + (i % 20).ToString(CultureInfo.InvariantCulture)),
                new KeyValuePair<string, string>(string.Concat("e", "nv"), string.Concat("pr", "od")),
                new KeyValuePair<string, string>(string.Concat("ver", "sion"), "v" + version.ToString(CultureInfo.InvariantCulture)),
                new KeyValuePair<string, string>(string.Concat("ti", "er"), string.Concat("back", "end"))),
            SubjectAlternativeNames = [string.Concat("spiffe://mesh-b.example/ns/", ns, "/sa/", key)],
            Endpoints =
            [
                new CatalogEndpoint { Address = "10.20." + (i % 250).ToString(CultureInfo.InvariantCulture) + ".1", Port = 15443, Labels = [zoneA] },
                new CatalogEndpoint { Address = "gw-b" + (i % 7).ToString(CultureInfo.InvariantCulture) + ".mesh-b.example", Port = 15443, Labels = [zoneB] },
            ],
            Instances =
            [
                new CatalogInstance
                {
                    Id = "i-" + key,
                    Protocol = "http",
                    EndpointSelector = [zoneA],
                    Metadata = StringMap.Create(new KeyValuePair<string, string>("S" + "NI", "outbound_.8080_._." + fqdn)),
                },
            ],
            Ports = [new ServicePort { Name = "ht" + "tp", Port = 8080, Protocol = "HTTP" }],
        };
    }

    public static CatalogEntry[] Entries(int count, int version = 1)
    {
        var entries = new CatalogEntry[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = Typical(i, version);
        }

        return entries;
    }

    /// <summary>Every <paramref name="stride"/>-th key, changed (version 2).</summary>
    public static CatalogEntry[] Changed(int count, int stride, int version = 2)
    {
        var changed = new CatalogEntry[count / stride];
        for (var j = 0; j < changed.Length; j++)
        {
            changed[j] = Typical(j * stride, version);
        }

        return changed;
    }
}
