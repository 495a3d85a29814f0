using System.Text.Json.Nodes;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Import;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Tests.TestData;

namespace MeshInterop.Istio.Tests.Import;

public sealed class ImportObjectBuilderTests
{
    private static ImportObjectBuilder Builder(Action<IstioImportOptions>? configure = null)
    {
        var options = new IstioImportOptions();
        options.ExportTo.Add("bookinfo-consumers");
        configure?.Invoke(options);
        return new ImportObjectBuilder(options);
    }

    private static JsonObject Json(IstioResource resource) => resource.ToJsonObject(IstioApiVersion.V1);

    [Fact]
    public void Build_IstioPeerUnderPeerScopedName_ServiceEntryAndDestinationRuleOfTheReference()
    {
        var result = Builder().Build(Imports.WestReviews(), localService: null, revision: 7);

        var objects = Assert.IsType<ImportedServiceObjects>(result.Objects);
        Assert.Empty(result.Findings);
        var se = Json(Assert.Single(objects.Resources.OfType<ServiceEntry>()));
        var dr = Json(Assert.Single(objects.Resources.OfType<DestinationRule>()));
        var hash = IstioObjectNaming.ServiceHash("west", "reviews.bookinfo.svc.west.imports.mesh");
        Assert.Equal($"mi-se-reviews-bookinfo-west-{hash}", (string?)se["metadata"]!["name"]);
        Assert.Equal($"mi-dr-reviews-bookinfo-west-{hash}", (string?)dr["metadata"]!["name"]);
        Assert.Equal("mesh-imports", (string?)se["metadata"]!["namespace"]);
        Assert.Equal("7", (string?)se["metadata"]!["annotations"]![ImportObjectBuilder.CatalogRevisionAnnotation]);
        Assert.Equal("west", (string?)se["metadata"]!["labels"]!["meshinterop.io/peer"]);
        Assert.Equal(hash, (string?)dr["metadata"]!["labels"]!["meshinterop.io/service"]);

        var spec = se["spec"]!;
        Assert.Equal("reviews.bookinfo.svc.west.imports.mesh", (string?)spec["hosts"]![0]);
        Assert.Equal("MESH_INTERNAL", (string?)spec["location"]);
        Assert.Equal("STATIC", (string?)spec["resolution"]);
        Assert.Equal("""[{"name":"http-9080","number":9080,"protocol":"HTTP"}]""", spec["ports"]!.ToJsonString());
        Assert.Equal("""["bookinfo-consumers"]""", spec["exportTo"]!.ToJsonString());
        Assert.Equal($"""["{Imports.WestSan}"]""", spec["subjectAltNames"]!.ToJsonString());
        var endpoints = spec["endpoints"]!.AsArray();
        Assert.Equal(["203.0.113.10", "203.0.113.11"], endpoints.Select(e => (string?)e!["address"]));
        Assert.All(endpoints, e =>
        {
            Assert.Equal("""{"http-9080":15443}""", e!["ports"]!.ToJsonString());
            Assert.Equal("mi-west", (string?)e["network"]);
            Assert.Equal("istio", (string?)e["labels"]!["security.istio.io/tlsMode"]);
            Assert.Equal("mi-west", (string?)e["labels"]!["topology.istio.io/network"]);
            Assert.Equal("us-west1/us-west1-a", (string?)e["locality"]);
            Assert.Null(e["serviceAccount"]);
        });

        var tls = dr["spec"]!["trafficPolicy"]!["portLevelSettings"]![0]!;
        Assert.Equal(9080, (int)tls["port"]!["number"]!);
        Assert.Equal("ISTIO_MUTUAL", (string?)tls["tls"]!["mode"]);
        Assert.Equal("outbound_.9080_._.reviews.bookinfo.svc.cluster.local", (string?)tls["tls"]!["sni"]);
        Assert.Equal($"""["{Imports.WestSan}"]""", tls["tls"]!["subjectAltNames"]!.ToJsonString());
        Assert.Equal("""["bookinfo-consumers"]""", dr["spec"]!["exportTo"]!.ToJsonString());
    }

    [Fact]
    public void Build_AdvertisedSniIsWhatTheClientComputes_NoDestinationRule()
    {
        var entry = Imports.Entry("west", "west-ratings", "ratings.bookinfo.svc.cluster.local", ["203.0.113.10"], [(9080, "HTTP")],
            [Imports.WestSan], sni: "outbound_.9080_._.ratings.bookinfo.svc.cluster.local");

        var objects = Builder().Build(entry, null, 1).Objects!;

        Assert.IsType<ServiceEntry>(Assert.Single(objects.Resources));
    }

    [Fact]
    public void Build_HostNameEndpoints_DnsResolution()
    {
        var entry = Imports.Entry("consul", "consul-web", "web.default.consul.imports.mesh", ["gw.consul.example.net"], [(8080, "HTTP")],
            ["spiffe://consul.example.net/ns/default/dc/dc1/svc/web"], sni: "web.default.default.east.external.consul.example.net");

        var se = Json(Builder().Build(entry, null, 1).Objects!.Resources.OfType<ServiceEntry>().Single());

        Assert.Equal("DNS", (string?)se["spec"]!["resolution"]);
    }

    [Fact]
    public void Build_NoSpiffeSan_RefusedWithAnError()
    {
        var entry = Imports.Entry("west", "west-reviews", "reviews.bookinfo.svc.west.imports.mesh", ["203.0.113.10"], [(9080, "HTTP")], ["reviews.example.org"]);

        var result = Builder().Build(entry, null, 1);

        Assert.Null(result.Objects);
        Assert.Contains(result.Findings, f => f.IsError && f.Message.Contains("no SPIFFE ID SAN", StringComparison.Ordinal));
        Assert.Contains(result.Findings, f => !f.IsError && f.Message.Contains("'reviews.example.org' is not a SPIFFE ID", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "it has no FQDN")]
    [InlineData("bad_host.example", "is not a valid host")]
    public void Build_BadHost_RefusedNamingTheProblem(string fqdn, string expected)
    {
        var entry = Imports.Entry("west", "west-x", fqdn, ["203.0.113.10"], [(80, "HTTP")], [Imports.WestSan]);

        var result = Builder().Build(entry, null, 1);

        Assert.Null(result.Objects);
        Assert.Contains(expected, Assert.Single(result.Findings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownAndMtlsProtocols_MappedToIstioProtocols()
    {
        var entry = Imports.Entry("west", "west-db", "db.data.svc.west.imports.mesh", ["203.0.113.10"], [(5432, "postgres"), (9000, "MTLS"), (9090, "grpc")], [Imports.WestSan]);

        var result = Builder().Build(entry, null, 1);

        var se = Json(result.Objects!.Resources.OfType<ServiceEntry>().Single());
        Assert.Equal(
            """[{"name":"tcp-5432","number":5432,"protocol":"TCP"},{"name":"tcp-9000","number":9000,"protocol":"TCP"},{"name":"grpc-9090","number":9090,"protocol":"GRPC"}]""",
            se["spec"]!["ports"]!.ToJsonString());
        Assert.Contains(result.Findings, f => f.Message.Contains("'postgres'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_HostOfALocalServiceWithoutImportAsLocal_RefusedBecauseTheServiceWins()
    {
        var entry = Imports.Entry("west", "west-ratings", "ratings.bookinfo.svc.cluster.local", ["203.0.113.10"], [(9080, "HTTP")], [Imports.WestSan]);
        var local = new IstioLocalService { Namespace = "bookinfo", Name = "ratings" };

        var result = Builder().Build(entry, local, 1);

        Assert.Null(result.Objects);
        Assert.Contains("local Service 'bookinfo/ratings', which wins", Assert.Single(result.Findings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ImportAsLocal_WorkloadEntriesSelectedByTheServiceAndADecoratorEntry()
    {
        var builder = Builder(o => o.ImportAsLocalPeers.Add("west"));
        var entry = Imports.Entry("west", "west-ratings", "ratings.bookinfo.svc.cluster.local", ["203.0.113.10", "203.0.113.11"], [(9080, "HTTP")], [Imports.WestSan]);
        Assert.Equal(("bookinfo", "ratings"), builder.LocalServiceOf(entry.Fqdn));
        var local = new IstioLocalService
        {
            Namespace = "bookinfo",
            Name = "ratings",
            Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "ratings" },
            PortNames = new Dictionary<int, string> { [9080] = "http" },
        };

        var objects = builder.Build(entry, local, 1).Objects!;

        var workloads = objects.Resources.OfType<WorkloadEntry>().Select(Json).ToList();
        Assert.Equal(2, workloads.Count);
        Assert.All(workloads, we =>
        {
            Assert.Equal("bookinfo", (string?)we["metadata"]!["namespace"]);
            Assert.Equal("ratings", (string?)we["spec"]!["labels"]!["app"]);
            Assert.Equal("istio", (string?)we["spec"]!["labels"]!["security.istio.io/tlsMode"]);
            Assert.Equal("""{"http":15443}""", we["spec"]!["ports"]!.ToJsonString());
            Assert.Null(we["spec"]!["serviceAccount"]);
        });
        Assert.NotEqual((string?)workloads[0]["metadata"]!["name"], (string?)workloads[1]["metadata"]!["name"]);
        var decorator = Json(Assert.Single(objects.Resources.OfType<ServiceEntry>()));
        Assert.Equal("bookinfo", (string?)decorator["metadata"]!["namespace"]);
        Assert.Null(decorator["spec"]!["endpoints"]);
        Assert.Equal($"""["{Imports.WestSan}"]""", decorator["spec"]!["subjectAltNames"]!.ToJsonString());
        Assert.Empty(objects.Resources.OfType<DestinationRule>());
    }

    [Fact]
    public void Build_SameInput_SameBytes()
    {
        var first = Builder().Build(Imports.WestReviews(), null, 3).Objects!.Resources.Select(r => r.ToYaml(IstioApiVersion.V1));
        var second = Builder().Build(Imports.WestReviews(), null, 3).Objects!.Resources.Select(r => r.ToYaml(IstioApiVersion.V1));

        Assert.Equal(first, second);
    }
}
