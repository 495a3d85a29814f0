using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;

namespace MeshInterop.Istio.Tests.TestData;

/// <summary>Import-view entries as the federation agent hands them to the sink.</summary>
internal static class Imports
{
    public const string WestSan = "spiffe://west.example.org/ns/bookinfo/sa/bookinfo-reviews";

    /// <summary>The reference's worked example: reviews.bookinfo of Istio peer west under a peer-scoped name.</summary>
    public static CatalogEntry WestReviews() => Entry(
        "west", "west-reviews", "reviews.bookinfo.svc.west.imports.mesh",
        endpoints: ["203.0.113.10", "203.0.113.11"],
        ports: [(9080, "HTTP")],
        sans: [WestSan],
        sni: "outbound_.9080_._.reviews.bookinfo.svc.cluster.local") with
    { Locality = new ServiceLocality { Region = "us-west1", Zone = "us-west1-a" } };

    public static CatalogEntry Entry(
        string peer, string key, string fqdn, string[] endpoints, (int Port, string Protocol)[] ports, string[] sans,
        string? sni = null, int gatewayPort = 15443) => new()
        {
            Key = new ServiceKey(key),
            Name = key,
            Fqdn = fqdn,
            Endpoints = [.. endpoints.Select(a => new CatalogEndpoint { Address = a, Port = gatewayPort })],
            Ports = [.. ports.Select(p => new ServicePort { Port = p.Port, Protocol = p.Protocol })],
            SubjectAlternativeNames = [.. sans],
            Instances = sni is null ? [] :
            [
                .. ports.Select(p => new CatalogInstance
                {
                    Id = key + "-" + p.Port,
                    Protocol = p.Protocol,
                    Metadata = StringMap.Create(
                        new KeyValuePair<string, string>(InstanceMetadataKeys.Sni, sni.Replace("{port}", p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
                        new KeyValuePair<string, string>(InstanceMetadataKeys.Port, p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                }),
            ],
            Origin = CatalogOrigin.FromPeer(peer, new ServiceKey(key[(peer.Length + 1)..])),
        };
}
