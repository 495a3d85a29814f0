using System.Text.Json.Nodes;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.Import;

/// <summary>
/// Laws of the sink over random change sequences (fixed seeds): any sequence of batches and reconnects (full
/// reconciles) leaves the cluster holding exactly what a reconcile from scratch writes, and objects without the
/// ownership label are never touched.
/// </summary>
public sealed class IstioCatalogSinkPropertyTests
{
    private static readonly string[] Peers = ["west", "south"];
    private static readonly string[] Names = ["reviews", "ratings", "details"];

    private static CatalogEntry RandomEntry(Random random)
    {
        var peer = Peers[random.Next(Peers.Length)];
        var name = Names[random.Next(Names.Length)];
        var domain = random.Next(2) == 0 ? "imports.mesh" : "mesh.example";
        var endpoints = Enumerable.Range(10, random.Next(1, 3)).Select(i => "203.0.113." + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var port = random.Next(2) == 0 ? 9080 : 8080;
        return Imports.Entry(peer, peer + "-" + name, $"{name}.bookinfo.svc.{peer}.{domain}", endpoints, [(port, random.Next(2) == 0 ? "HTTP" : "TCP")],
            [$"spiffe://{peer}.example.org/ns/bookinfo/sa/{name}"], sni: random.Next(3) == 0 ? null : "outbound_.{port}_._." + name + ".bookinfo.svc.cluster.local");
    }

    private static IEnumerable<string> State(FakeKubernetesServer server) =>
        ((string[])["serviceentries", "destinationrules", "workloadentries"])
        .SelectMany(p => server.List("networking.istio.io", p))
        .Select(o =>
        {
            var metadata = o["metadata"]!.AsObject();
            var annotations = metadata["annotations"] as JsonObject;
            annotations?.Remove("meshinterop.io/catalog-revision");   // the revision a write happened at, not content
            return $"{o["kind"]} {metadata["namespace"]}/{metadata["name"]} {metadata["labels"]?.ToJsonString()} {annotations?.ToJsonString()} {o["spec"]!.ToJsonString()}";
        })
        .Order(StringComparer.Ordinal);

    [Fact]
    public async Task ChangeSequences_AnyOrderWithReconnects_SameObjectsAsAReconcileFromScratch()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var seed = 1; seed <= 12; seed++)
        {
            var random = new Random(seed);
            var (incremental, client1, sink1) = await IstioCatalogSinkTests.StartAsync(ct);
            var (scratch, client2, sink2) = await IstioCatalogSinkTests.StartAsync(ct);
            await using (incremental)
            await using (scratch)
            using (client1)
            using (client2)
            using (sink1)
            using (sink2)
            {
                var unowned = incremental.Seed("serviceentries", JsonNode.Parse("""
                    {"apiVersion":"networking.istio.io/v1","kind":"ServiceEntry","metadata":{"name":"user","namespace":"mesh-imports","labels":{"meshinterop.io/peer":"west"}},"spec":{"hosts":["u.example.com"]}}
                    """)!.AsObject(), manager: "kubectl");
                var current = CatalogSnapshot.Create([]);
                await sink1.ReconcileAsync(current, ct);
                for (var step = 0; step < 6; step++)
                {
                    var next = current;
                    for (var change = random.Next(1, 4); change > 0; change--)
                    {
                        var entry = RandomEntry(random);
                        next = random.Next(4) == 0 ? next.Remove(entry.Key) : next.SetItem(entry);
                    }

                    if (random.Next(4) == 0)
                        await sink1.ReconcileAsync(next, ct);   // a reconnect
                    else
                        await sink1.ApplyAsync(CatalogDiffer.Diff(current, next), ct);
                    current = next;
                }

                await sink2.ReconcileAsync(current, ct);

                Assert.Equal(State(scratch), State(incremental).Where(s => !s.Contains(" mesh-imports/user ", StringComparison.Ordinal)));
                Assert.Equal(unowned["metadata"]!["resourceVersion"]!.ToString(), incremental.Get("networking.istio.io", "serviceentries", "mesh-imports", "user")!["metadata"]!["resourceVersion"]!.ToString());
            }
        }
    }
}
