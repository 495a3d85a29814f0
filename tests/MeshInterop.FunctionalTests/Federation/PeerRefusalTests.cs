using MeshInterop.Federation;
using MeshInterop.Identity.X509;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class PeerRefusalTests
{
    [Fact(Timeout = 60_000)]
    public async Task Subscribe_ClientIsNotThePeersExpectedAgent_PermissionDeniedAndNothingExported()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        a.Peer(b);
        b.Peer(a);
        a.Source.Publish([FederatedServices.Service("mesh-a", "web")]);
        b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin")]);

        // B's agent runs with an SVID of its own trust domain, but not the agent ID A expects of B.
        b.Svids.Set(X509Svid.Create(b.Authority.IssueSvid("/rogue").Leaf));
        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);

        await b.WaitForStatusAsync(s => s.Peers.Single().State == MeshFederationPeerState.Failed, "A refuses B's subscription");
        await a.WaitForStatusAsync(s => s.Peers.Single().State == MeshFederationPeerState.Failed, "A refuses B's server identity");
        Assert.Contains("PermissionDenied", b.Status.Peers.Single().LastError, StringComparison.Ordinal);
        Assert.Contains("TLS authentication failed", a.Status.Peers.Single().LastError, StringComparison.Ordinal);
        Assert.Empty(b.Sink.Current);
        Assert.Empty(a.Sink.Current);
    }

    [Fact(Timeout = 60_000)]
    public async Task Subscribe_ClientFromATrustDomainThatIsNoPeer_RefusedWhilePeersAreServed()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        await using var stranger = new MeshAgent("mesh-x");
        a.Peer(b);
        b.Peer(a);
        stranger.Peer(a);
        a.Source.Publish([FederatedServices.Service("mesh-a", "web")]);

        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);
        await stranger.StartAsync(TestContext.Current.CancellationToken);

        // The handshake fails on A's side, so the stranger sees a broken connection and backs off.
        await stranger.WaitForStatusAsync(s => s.Peers.Single().LastError is not null, "A refuses the stranger's handshake");
        await b.WaitForSinkAsync(s => s.Count == 1, "B imports A's web");
        var refused = stranger.Status.Peers.Single();
        Assert.False(refused.IsConnected, refused.LastError);
        Assert.Empty(stranger.Sink.Current);
    }
}
