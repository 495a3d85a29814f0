using MeshInterop.Catalog;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>Exported services as an owner mesh would hold them.</summary>
internal static class SampleServices
{
    public static CatalogEntry Service(string name, int port = 8443, string version = "v1") => new()
    {
        Key = new ServiceKey(name),
        Name = name,
        Fqdn = name + ".owner.example",
        Description = "service " + name + " " + version,
        Tags = ["federated"],
        Labels = StringMap.Create([new("app", name), new("version", version)]),
        SubjectAlternativeNames = ["spiffe://owner.example/ns/default/sa/" + name],
        Endpoints =
        [
            new CatalogEndpoint { Address = "192.0.2.10", Port = port, Labels = ["zone-a"] },
            new CatalogEndpoint { Address = "gateway.owner.example", Port = 443, Labels = ["zone-b"] },
        ],
        Instances =
        [
            new CatalogInstance
            {
                Id = name + "-1",
                Protocol = "HTTP",
                Metadata = StringMap.Create([new("SNI", name + ".owner.example")]),
                EndpointSelector = ["zone-a"],
            },
        ],
    };

    public static IEnumerable<CatalogEntry> Many(int count, string prefix = "svc") =>
        Enumerable.Range(0, count).Select(i => Service(prefix + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)));
}
