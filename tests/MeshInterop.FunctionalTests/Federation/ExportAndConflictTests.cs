using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;
using MeshInterop.Federation.Internal;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class ExportAndConflictTests
{
    [Fact(Timeout = 60_000)]
    public async Task Exports_PolicyPerPeer_EachPeerSeesOnlyWhatItIsAllowed()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        await using var c = new MeshAgent("mesh-c");
        a.Peer(b, peer => peer.Exports = Allow("web")).Peer(c, peer => peer.Exports = Allow("api", "orders"));
        b.Peer(a);
        c.Peer(a);
        a.Source.Publish([FederatedServices.Service("mesh-a", "web"), FederatedServices.Service("mesh-a", "api"), FederatedServices.Service("mesh-a", "orders")]);

        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);
        await c.StartAsync(TestContext.Current.CancellationToken);

        await b.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-web", "B sees web only");
        await c.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-api,mesh-a-orders", "C sees api and orders");

        // A service that stops matching C's policy is withdrawn from C alone.
        a.Source.Update([], [new ServiceKey("orders")]);
        await c.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-api", "orders withdrawn from C");
        Assert.Equal("mesh-a-web", FederatedServices.Keys(b.Sink.Current));
    }

    [Fact(Timeout = 60_000)]
    public async Task ThreeMeshes_TwoPeersClaimTheSameFqdn_OneProjectedTheOtherPromotedWhenTheWinnerLeaves()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        await using var c = new MeshAgent("mesh-c");
        a.Peer(b).Peer(c);
        b.Peer(a);
        c.Peer(a);

        // Both owners assert the same FQDN for their httpbin; A keeps owners' FQDNs, so only one may be projected.
        b.Source.Publish([Shared("mesh-b"), FederatedServices.Service("mesh-b", "web")]);
        c.Source.Publish([Shared("mesh-c"), FederatedServices.Service("mesh-c", "orders")]);

        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);
        await c.StartAsync(TestContext.Current.CancellationToken);

        await a.WaitForSinkAsync(
            s => s.ContainsKey(new ServiceKey("mesh-b-web")) && s.ContainsKey(new ServiceKey("mesh-c-orders")) && s.Count == 3,
            "both peers' services, one httpbin");
        var winner = a.Sink.Current.ContainsKey(new ServiceKey("mesh-b-httpbin")) ? b : c;
        var loser = winner == b ? c : b;
        Assert.False(a.Sink.Current.ContainsKey(new ServiceKey($"{loser.Name}-httpbin")));
        Assert.Equal(1, ((FederationStatus)a.Status).Conflicts);

        winner.Source.Update([], [new ServiceKey("httpbin")]);

        await a.WaitForSinkAsync(
            s => s.ContainsKey(new ServiceKey($"{loser.Name}-httpbin")) && !s.ContainsKey(new ServiceKey($"{winner.Name}-httpbin")) && s.Count == 3,
            "the other httpbin promoted");
        Assert.Equal(0, ((FederationStatus)a.Status).Conflicts);
    }

    private static CatalogEntry Shared(string mesh) => FederatedServices.Service(mesh, "httpbin") with { Fqdn = "httpbin.shared.example" };

    private static ExportPolicyOptions Allow(params string[] names)
    {
        var rule = new ExportRule();
        foreach (var name in names)
            rule.Names.Add(name);
        var policy = new ExportPolicyOptions();
        policy.Allow.Add(rule);
        return policy;
    }
}
