using System.Text.Json.Nodes;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Import;
using MeshInterop.Istio.Tests.Kubernetes;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Testing.FakeKubernetes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Istio.Tests.Import;

/// <summary>The import sink against the loopback fake API server, through the real KubernetesClient.</summary>
public sealed class IstioCatalogSinkTests
{
    private const string Networking = "networking.istio.io";

    internal static async Task<(FakeKubernetesServer Server, k8s.Kubernetes Client, IstioCatalogSink Sink)> StartAsync(
        CancellationToken ct, Action<IstioImportOptions>? configure = null, bool istio120 = false)
    {
        var server = istio120 ? await FakeIstioCluster.StartIstio120Async(ct) : await FakeIstioCluster.StartCurrentAsync(ct);
        FakeIstioCluster.AddCoreAndCrds(server);
        var client = FakeIstioCluster.Client(server);
        var options = new IstioImportOptions();
        options.ExportTo.Add("bookinfo-consumers");
        configure?.Invoke(options);
        var sink = new IstioCatalogSink(client, Options.Create(options), new FakeTimeProvider(), NullLogger<IstioCatalogSink>.Instance);
        return (server, client, sink);
    }

    private static CatalogEntry SouthInventory() => Imports.Entry(
        "south", "south-inventory", "inventory.shop.svc.south.imports.mesh", ["198.51.100.20"], [(7070, "GRPC")],
        ["spiffe://south.example.net/ns/shop/sa/inventory"], sni: "outbound_.{port}_._.inventory.shop.svc.cluster.local");

    private static IReadOnlyList<JsonObject> Owned(FakeKubernetesServer server) =>
        [.. ((string[])["serviceentries", "destinationrules", "workloadentries"]).SelectMany(p => server.List(Networking, p))];

    private static List<string> Writes(FakeKubernetesServer server) =>
        [.. server.Requests.Where(r => r.Method is "PATCH" or "DELETE" && !r.Query.ContainsKey("dryRun")).Select(r => r.Method + " " + r.Path.Split('/')[^2] + "/" + r.Path.Split('/')[^1])];

    [Fact]
    public async Task ReconcileAsync_EmptyCluster_AppliesDestinationRuleBeforeServiceEntryWithOwnership()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;

        await sink.ReconcileAsync(CatalogSnapshot.Create([Imports.WestReviews()]), ct);

        var writes = Writes(server);
        Assert.Equal(2, writes.Count);
        Assert.StartsWith("PATCH destinationrules/mi-dr-reviews-bookinfo-west-", writes[0], StringComparison.Ordinal);
        Assert.StartsWith("PATCH serviceentries/mi-se-reviews-bookinfo-west-", writes[1], StringComparison.Ordinal);
        Assert.All(server.Requests.Where(r => r.Method == "PATCH"), r =>
        {
            Assert.Equal("Strict", r.Query["fieldValidation"]);
            Assert.Equal("meshinterop", r.Query["fieldManager"]);
        });
        var se = Assert.Single(server.List(Networking, "serviceentries"));
        Assert.Equal("meshinterop", (string?)se["metadata"]!["labels"]![IstioObjectNaming.ManagedByLabel]);
        Assert.Equal("import", (string?)se["metadata"]!["labels"]![IstioObjectNaming.RoleLabel]);
        Assert.NotNull((string?)se["metadata"]!["annotations"]![IstioObjectNaming.SpecHashAnnotation]);
        Assert.Equal("west-reviews", (string?)se["metadata"]!["annotations"]![ImportObjectBuilder.CatalogKeyAnnotation]);
        Assert.Equal(2, sink.LastResult!.Outcome.Applied);
        Assert.Contains(server.Requests, r => r.Path == "/apis/networking.istio.io/v1");
    }

    [Fact]
    public async Task ReconcileAsync_Twice_SecondPassWritesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        var desired = CatalogSnapshot.Create([Imports.WestReviews(), SouthInventory()]);

        await sink.ReconcileAsync(desired, ct);
        var version = server.CurrentResourceVersion;
        var writes = Writes(server).Count;
        await sink.ReconcileAsync(desired.SetItem(Imports.WestReviews() with { Description = "unrelated to Istio" }), ct);

        Assert.Equal(writes, Writes(server).Count);
        Assert.Equal(version, server.CurrentResourceVersion);
        Assert.Equal(4, sink.LastResult!.Outcome.Unchanged);
    }

    [Fact]
    public async Task ApplyAsync_Rename_CreatesTheNewObjectsBeforeDeletingTheOld()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        var before = Imports.WestReviews();
        await sink.ReconcileAsync(CatalogSnapshot.Create([before]), ct);
        var after = before with { Fqdn = "reviews.bookinfo.svc.west.mesh.example" };
        var firstWrite = Writes(server).Count;

        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Updated(before, after)]), ct);

        var writes = Writes(server).Skip(firstWrite).ToList();
        Assert.Equal(4, writes.Count);
        Assert.All(writes.Take(2), w => Assert.StartsWith("PATCH", w, StringComparison.Ordinal));
        Assert.StartsWith("DELETE serviceentries/", writes[2], StringComparison.Ordinal);     // the SE goes before its DR
        Assert.StartsWith("DELETE destinationrules/", writes[3], StringComparison.Ordinal);
        Assert.Equal("reviews.bookinfo.svc.west.mesh.example", (string?)Assert.Single(server.List(Networking, "serviceentries"))["spec"]!["hosts"]![0]);
        Assert.Single(server.List(Networking, "destinationrules"));
        Assert.True(server.Requests.Where(r => r.Method == "DELETE").All(r => r.Path.Contains("/namespaces/mesh-imports/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ApplyAsync_Removal_DeletesOnlyThatServiceAndNeverUnownedObjects()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        server.Seed("serviceentries", new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1",
            ["kind"] = "ServiceEntry",
            ["metadata"] = new JsonObject { ["name"] = "user-owned", ["namespace"] = "mesh-imports", ["labels"] = new JsonObject { ["meshinterop.io/peer"] = "west" } },
            ["spec"] = new JsonObject { ["hosts"] = new JsonArray("user.example.com") },
        }, manager: "kubectl");
        var west = Imports.WestReviews();
        await sink.ReconcileAsync(CatalogSnapshot.Create([west, SouthInventory()]), ct);

        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Removed(west)]), ct);

        var remaining = Owned(server).Select(o => (string?)o["metadata"]!["name"]).ToList();
        Assert.Contains("user-owned", remaining);
        Assert.Contains(remaining, n => n!.StartsWith("mi-se-inventory-shop-south-", StringComparison.Ordinal));
        Assert.Contains(remaining, n => n!.StartsWith("mi-dr-inventory-shop-south-", StringComparison.Ordinal));
        Assert.DoesNotContain(remaining, n => n!.Contains("-west-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_PeersLastImportRemoved_RemovesEveryObjectLabelledWithThePeer()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        var west = Imports.WestReviews();
        await sink.ReconcileAsync(CatalogSnapshot.Create([west, SouthInventory()]), ct);
        // An object of the peer that no current import accounts for (left behind by an older version, say).
        server.Seed("serviceentries", new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1",
            ["kind"] = "ServiceEntry",
            ["metadata"] = new JsonObject
            {
                ["name"] = "mi-se-orphan-west-00000000",
                ["namespace"] = "mesh-imports",
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "meshinterop", ["meshinterop.io/role"] = "import", ["meshinterop.io/peer"] = "west", ["meshinterop.io/service"] = "00000000" },
            },
            ["spec"] = new JsonObject { ["hosts"] = new JsonArray("orphan.example.com") },
        }, manager: "meshinterop");

        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Removed(west)]), ct);

        Assert.DoesNotContain(Owned(server), o => (string?)o["metadata"]!["labels"]?["meshinterop.io/peer"] == "west");
        Assert.Equal(2, Owned(server).Count);
    }

    [Fact]
    public async Task ApplyAsync_NameTakenByAnUnownedObject_HeldBackAndNothingDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        var before = Imports.WestReviews();
        await sink.ReconcileAsync(CatalogSnapshot.Create([before]), ct);
        var after = before with { Fqdn = "reviews.bookinfo.svc.west.mesh.example" };
        var name = new ImportObjectBuilder(new IstioImportOptions()).Build(after, null, 0).Objects!.Resources.First(r => r.ResourceType.Kind == "ServiceEntry").Metadata.Name;
        server.Seed("serviceentries", new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1",
            ["kind"] = "ServiceEntry",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "mesh-imports" },
            ["spec"] = new JsonObject { ["hosts"] = new JsonArray("someone.else.example") },
        }, manager: "kubectl");
        var before2 = Owned(server).Count;

        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Updated(before, after)]), ct);

        var held = Assert.Single(sink.LastResult!.Outcome.HeldBack);
        Assert.Contains("belongs to someone else", held.Reason, StringComparison.Ordinal);
        Assert.Equal(before2, Owned(server).Count);
        Assert.Equal("someone.else.example", (string?)server.Get(Networking, "serviceentries", "mesh-imports", name)!["spec"]!["hosts"]![0]);
        Assert.DoesNotContain(server.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task ReconcileAsync_ListFails_NothingDeletedAndThrows()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        await sink.ReconcileAsync(CatalogSnapshot.Create([Imports.WestReviews(), SouthInventory()]), ct);
        server.Fault = r => r.Method == "GET" && r.Path.EndsWith("/workloadentries", StringComparison.Ordinal) ? 500 : null;

        await Assert.ThrowsAnyAsync<Exception>(() => sink.ReconcileAsync(CatalogSnapshot.Create([]), ct));

        Assert.Equal(4, Owned(server).Count);
        Assert.DoesNotContain(server.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task ApplyAsync_CreateRejected_ThrowsAndKeepsTheOldObjects()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        var before = Imports.WestReviews();
        await sink.ReconcileAsync(CatalogSnapshot.Create([before]), ct);
        server.Admission = r => r.Kind == "ServiceEntry"
            ? new AdmissionOutcome { Causes = [("spec.hosts[0]", "denied by policy", "FieldValueForbidden")] }
            : AdmissionOutcome.Allowed;
        var after = before with { Fqdn = "reviews.bookinfo.svc.west.mesh.example" };

        var error = await Assert.ThrowsAsync<IstioWriteException>(() => sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Updated(before, after)]), ct));

        Assert.Contains("denied by policy", Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.Method == "DELETE");
        Assert.Contains(server.List(Networking, "serviceentries"), o => (string?)o["spec"]!["hosts"]![0] == "reviews.bookinfo.svc.west.imports.mesh");
    }

    [Fact]
    public async Task ApplyAsync_DryRunPreflightRejects_NothingStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct, o => o.DryRunPreflight = true);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        server.Admission = r => r.Kind == "ServiceEntry" && r.DryRun
            ? new AdmissionOutcome { Causes = [("spec", "webhook says no", "FieldValueInvalid")] }
            : AdmissionOutcome.Allowed;

        var error = await Assert.ThrowsAsync<IstioWriteException>(() => sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Added(Imports.WestReviews())]), ct));

        Assert.Contains("(dry run)", Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.Empty(Owned(server));
    }

    [Fact]
    public async Task ReconcileAsync_Istio120_WritesV1Beta1()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct, istio120: true);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;

        await sink.ReconcileAsync(CatalogSnapshot.Create([Imports.WestReviews()]), ct);

        Assert.All(server.Requests.Where(r => r.Method == "PATCH"), r => Assert.Contains("/networking.istio.io/v1beta1/", r.Path, StringComparison.Ordinal));
        Assert.Equal(2, Owned(server).Count);
    }

    [Fact]
    public async Task ReconcileAsync_ImportAsLocal_WorkloadEntriesBesideTheLocalService()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct, o => o.ImportAsLocalPeers.Add("west"));
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        server.Seed("services", JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"ratings","namespace":"bookinfo"},
             "spec":{"selector":{"app":"ratings"},"ports":[{"name":"http","port":9080,"targetPort":9080}]}}
            """)!.AsObject(), manager: "kubectl");
        var entry = Imports.Entry("west", "west-ratings", "ratings.bookinfo.svc.cluster.local", ["203.0.113.10"], [(9080, "HTTP")], [Imports.WestSan]);

        await sink.ReconcileAsync(CatalogSnapshot.Create([entry]), ct);

        var we = Assert.Single(server.List(Networking, "workloadentries"));
        Assert.Equal("bookinfo", (string?)we["metadata"]!["namespace"]);
        Assert.Equal("""{"http":15443}""", we["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("bookinfo", (string?)Assert.Single(server.List(Networking, "serviceentries"))["metadata"]!["namespace"]);
    }

    [Fact]
    public async Task ReconcileAsync_InvalidObject_HeldBackWithTheValidatorsReason()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client, sink) = await StartAsync(ct);
        await using var _ = server;
        using var __ = client;
        using var ___ = sink;
        // A host whose top-level label is all digits passes the builder's FQDN check only if written so; craft an
        // endpoint the webhook refuses instead: a STATIC entry cannot mix in an empty address.
        var entry = Imports.WestReviews() with { Endpoints = [new CatalogEndpoint { Address = "203.0.113.10", Port = 70000 }] };

        await sink.ReconcileAsync(CatalogSnapshot.Create([entry]), ct);

        var held = Assert.Single(sink.LastResult!.Outcome.HeldBack);
        Assert.Contains("fails validation", held.Reason, StringComparison.Ordinal);
        Assert.Empty(Owned(server));
    }
}
