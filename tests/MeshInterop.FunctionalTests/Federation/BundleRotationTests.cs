using MeshInterop.Catalog;
using MeshInterop.Federation;
using MeshInterop.Federation.Internal;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using MeshInterop.Testing.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class BundleRotationTests
{
    [Fact(Timeout = 60_000)]
    public async Task Rotation_PeerPublishesNewCaThenRotatesSvid_TrustFollowsThroughTheBundleEndpoint()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var bundleFile = Path.Combine(Path.GetTempPath(), $"meshinterop-bundle-{Guid.NewGuid():N}.pem");
        try
        {
            await using var a = new MeshAgent("mesh-a");
            await using var b = new MeshAgent("mesh-b");
            var bundlePort = LoopbackPorts.Reserve(1)[0];
            await File.WriteAllTextAsync(bundleFile, b.Authority.Certificate.ExportCertificatePem(), cancellation);
            b.Configure = options =>
            {
                options.TrustBundle.PemFile = bundleFile;
                options.BundleListenEndpoint = $"127.0.0.1:{bundlePort}";
            };
            b.Peer(a);
            a.Peer(b, peer =>
            {
                // The static bundle bootstraps the https_spiffe endpoint, which then keeps B's bundle current.
                peer.BundleEndpoint.Url = $"https://127.0.0.1:{bundlePort}/meshinterop/bundle";
                peer.BundleEndpoint.Profile = "https_spiffe";
                peer.BundleEndpoint.EndpointSpiffeId = b.AgentId;
            });
            b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin")]);
            await a.StartAsync(cancellation);
            await b.StartAsync(cancellation);
            await a.WaitForSinkAsync(s => s.Count == 1, "B's httpbin");

            // The public bundle listener serves the bundle, never the status.
            var tls = new SpiffeTls(a.Svids, new X509SvidValidator(new InMemoryBundleSource(BundleSet.Empty.With(new X509Bundle(TrustDomain.Parse(b.TrustDomain), [b.Authority.Certificate])))), SpiffeAuthorizer.Exact(SpiffeId.Parse(b.AgentId)));
            using (var anonymous = new HttpClient(tls.CreateHttpHandler()))
            {
                var status = await anonymous.GetAsync(new Uri($"https://127.0.0.1:{bundlePort}/meshinterop/status"), cancellation);
                Assert.Equal(System.Net.HttpStatusCode.NotFound, status.StatusCode);
            }

            // B publishes its next CA alongside the current one; A picks it up at its next refresh (driven here).
            using var next = TestCertificateAuthority.CreateRoot(b.TrustDomain);
            await File.WriteAllTextAsync(bundleFile, b.Authority.Certificate.ExportCertificatePem() + "\n" + next.Certificate.ExportCertificatePem(), cancellation);
            var agent = a.Services.GetRequiredService<FederationAgent>();
            Assert.True(await agent.Refresher!.RefreshNowAsync(TrustDomain.Parse(b.TrustDomain), cancellation));
            Assert.True(agent.Bundles.Current.TryGetX509Bundle(TrustDomain.Parse(b.TrustDomain), out var refreshed));
            Assert.Equal(2, refreshed!.Authorities.Count);

            // B's agent restarts with an SVID from the new CA; A verifies it against the refreshed bundle.
            await b.StopAsync();
            b.Svids.Set(X509Svid.Create(next.IssueSvid(FederationAgent.DefaultAgentPath).Leaf));
            b.Source.Update([FederatedServices.Service("mesh-b", "orders")], []);
            await b.StartAsync(cancellation);

            await a.WaitForSinkAsync(s => s.ContainsKey(new ServiceKey("mesh-b-orders")) && s.Count == 2, "B's catalog over the rotated identity");
            await a.WaitForStatusAsync(s => s.Peers.Single().IsConnected, "connected to the rotated B");
        }
        finally
        {
            File.Delete(bundleFile);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Rotation_PeerRotatesBeforeItsNewCaReachedUs_PeerFailsThenRecoversWhenTheBundleArrives()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        b.Peer(a);
        a.Peer(b);
        b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin")]);
        await a.StartAsync(cancellation);
        await b.StartAsync(cancellation);
        await a.WaitForSinkAsync(s => s.Count == 1, "B's httpbin");

        // B switches to a new CA at once and restarts: A cannot verify it yet and stops retrying (G14).
        using var next = TestCertificateAuthority.CreateRoot(b.TrustDomain);
        await b.StopAsync();
        b.Svids.Set(X509Svid.Create(next.IssueSvid(FederationAgent.DefaultAgentPath).Leaf));
        b.Source.Update([FederatedServices.Service("mesh-b", "orders")], []);
        await b.StartAsync(cancellation);
        await a.WaitForStatusAsync(s => s.Peers.Single().State == MeshFederationPeerState.Failed, "A refuses B's new certificate");
        Assert.Single(a.Sink.Current);

        // The new CA reaches A's bundle set (as a bundle endpoint refresh would put it there): the failed peer is tried again.
        var agent = a.Services.GetRequiredService<FederationAgent>();
        agent.Bundles.Set(new X509Bundle(TrustDomain.Parse(b.TrustDomain), [b.Authority.Certificate, next.Certificate]));

        await a.WaitForSinkAsync(s => s.Count == 2, "B's catalog after the bundle update");
        await a.WaitForStatusAsync(s => s.Peers.Single().IsConnected, "connected to the rotated B");
    }
}
