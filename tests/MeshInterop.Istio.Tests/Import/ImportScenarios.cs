using MeshInterop.Catalog;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Tests.TestData;

namespace MeshInterop.Istio.Tests.Import;

/// <summary>The import scenarios of the adapter reference (section 12.4), as the import view hands them to the sink or to render mode.</summary>
internal static class ImportScenarios
{
    public static IReadOnlyList<string> Names { get; } =
        ["istio-peer", "consul-peer", "renamed", "import-as-local", "multi-peer-aggregation", "conflict", "delete", "unpeer"];

    public static (IReadOnlyList<CatalogEntry> Entries, IstioImportOptions Options, IstioRenderOptions Render) Get(string name)
    {
        var options = new IstioImportOptions();
        options.ExportTo.Add("bookinfo-consumers");
        var render = new IstioRenderOptions { Revision = 42 };
        IReadOnlyList<CatalogEntry> entries = name switch
        {
            "istio-peer" => [Imports.WestReviews()],
            "consul-peer" => [ConsulWeb()],
            "renamed" => [NsxsmHttpbin()],
            "import-as-local" => [WestRatingsAsLocal(options, render)],
            "multi-peer-aggregation" => [Aggregated()],
            "conflict" => [Imports.WestReviews(), CollidingWithLocal(render)],
            "delete" => [Imports.WestReviews(), SouthInventory()],   // south's catalog lost 'payments'
            "unpeer" => [SouthInventory()],                           // west unpeered
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown scenario."),
        };
        return (entries, options, render);
    }

    /// <summary>What the catalog held before the delete and unpeer scenarios; the difference is what the sink deletes.</summary>
    public static IReadOnlyList<CatalogEntry> Before(string name) => name switch
    {
        "delete" => [Imports.WestReviews(), SouthInventory(), SouthPayments()],
        "unpeer" => [Imports.WestReviews(), SouthInventory(), Imports.Entry("west", "west-details", "details.bookinfo.svc.west.imports.mesh", ["203.0.113.10"], [(9080, "HTTP")], ["spiffe://west.example.org/ns/bookinfo/sa/details"], sni: "outbound_.{port}_._.details.bookinfo.svc.cluster.local")],
        _ => Get(name).Entries,
    };

    // Consul's gateway routes on the SNI <service>.<namespace>.<partition>.<peer>.external.<trust domain>.
    private static CatalogEntry ConsulWeb() => Imports.Entry(
        "consul-dc1", "consul-dc1-web", "web.default.svc.consul-dc1.imports.mesh", ["192.0.2.20", "192.0.2.21"], [(8080, "HTTP"), (9090, "GRPC")],
        ["spiffe://5c2b8a4e.consul/ns/default/dc/dc1/svc/web"], sni: "web.default.default.east.external.5c2b8a4e.consul", gatewayPort: 8443);

    // The seed's demo: Consul imports NSX-SM's httpbin as nsxsm-httpbin; here the reverse direction, an Istio mesh
    // importing it under its own name while the exporter's gateway expects the exporter's host.
    private static CatalogEntry NsxsmHttpbin() => Imports.Entry(
        "nsxsm", "nsxsm-httpbin", "nsxsm-httpbin.mesh.internal", ["198.51.100.7"], [(8000, "HTTP")],
        ["spiffe://nsxsm.example.com/ns/default/sa/httpbin"], sni: "outbound_.{port}_._.httpbin.default.svc.cluster.local");

    private static CatalogEntry WestRatingsAsLocal(IstioImportOptions options, IstioRenderOptions render)
    {
        options.ImportAsLocalPeers.Add("west");
        render.LocalServices.Add(new IstioLocalService
        {
            Namespace = "bookinfo",
            Name = "ratings",
            Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "ratings" },
            PortNames = new Dictionary<int, string> { [9080] = "http" },
        });
        return Imports.Entry("west", "west-ratings", "ratings.bookinfo.svc.cluster.local", ["203.0.113.10", "203.0.113.11"], [(9080, "HTTP")],
            ["spiffe://west.example.org/ns/bookinfo/sa/ratings"]);
    }

    // AggregateWhenCompatible: the earliest peer's entry with the endpoints of every peer whose ports agree.
    private static CatalogEntry Aggregated() => Imports.Entry(
        "west", "reviews", "reviews.bookinfo.svc.clusterset.local", ["203.0.113.10", "198.51.100.20"], [(9080, "HTTP")],
        [Imports.WestSan, "spiffe://south.example.net/ns/bookinfo/sa/bookinfo-reviews"], sni: "outbound_.{port}_._.reviews.bookinfo.svc.cluster.local") with
    { Origin = CatalogOrigin.FromPeer("west", new ServiceKey("reviews")) };

    private static CatalogEntry CollidingWithLocal(IstioRenderOptions render)
    {
        render.LocalServices.Add(new IstioLocalService { Namespace = "shop", Name = "cart" });
        return Imports.Entry("south", "south-cart", "cart.shop.svc.cluster.local", ["198.51.100.20"], [(8080, "HTTP")], ["spiffe://south.example.net/ns/shop/sa/cart"]);
    }

    private static CatalogEntry SouthInventory() => Imports.Entry(
        "south", "south-inventory", "inventory.shop.svc.south.imports.mesh", ["198.51.100.20", "198.51.100.21"], [(7070, "GRPC")],
        ["spiffe://south.example.net/ns/shop/sa/inventory"], sni: "outbound_.{port}_._.inventory.shop.svc.cluster.local");

    private static CatalogEntry SouthPayments() => Imports.Entry(
        "south", "south-payments", "payments.shop.svc.south.imports.mesh", ["198.51.100.20"], [(8443, "TLS")],
        ["spiffe://south.example.net/ns/shop/sa/payments"], sni: "outbound_.{port}_._.payments.shop.svc.cluster.local");
}
