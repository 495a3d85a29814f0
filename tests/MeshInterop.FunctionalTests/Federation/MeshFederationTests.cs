using System.Diagnostics.Metrics;
using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Federation;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class MeshFederationTests
{
    [Fact(Timeout = 60_000)]
    public async Task TwoAgents_ExportToEachOther_EachSinkHoldsExactlyThePeersServicesAndFollowsChanges()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        a.Peer(b);
        b.Peer(a);
        a.Source.Publish([FederatedServices.Service("mesh-a", "web"), FederatedServices.Service("mesh-a", "api")]);
        b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin")]);

        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);

        await a.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-b-httpbin", "B's httpbin imported");
        await b.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-api,mesh-a-web", "A's web and api imported");
        var imported = a.Sink.Current.Find(new ServiceKey("mesh-b-httpbin"))!;
        Assert.Equal("ingress.mesh-b.example", imported.Endpoints.Single().Address);
        Assert.Equal(["spiffe://mesh-b.example/ns/default/sa/httpbin"], imported.SubjectAlternativeNames);

        // Add, change, remove in A: each arrives in B's sink, exactly.
        using var sinkChanges = new MetricCollector<long>(b.Services.GetRequiredService<IMeterFactory>(), FederationTelemetry.Name, "meshinterop.federation.sink.changes");
        a.Source.Update([FederatedServices.Service("mesh-a", "orders")], []);
        await b.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-api,mesh-a-orders,mesh-a-web", "orders added");
        a.Source.Update([FederatedServices.Service("mesh-a", "web", port: 9443)], []);
        await b.WaitForSinkAsync(s => s.Find(new ServiceKey("mesh-a-web"))?.Endpoints.Single().Port == 9443, "web's port changed");
        a.Source.Update([], [new ServiceKey("api")]);
        await b.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-orders,mesh-a-web", "api removed");
        Assert.Equal("{change}", sinkChanges.Instrument!.Unit);
        Assert.Equal(1, sinkChanges.GetMeasurementSnapshot().Where(m => Equals(m.Tags[FederationTelemetry.ChangeKindTag], "added")).Sum(m => m.Value));
        Assert.Equal(1, sinkChanges.GetMeasurementSnapshot().Where(m => Equals(m.Tags[FederationTelemetry.ChangeKindTag], "removed")).Sum(m => m.Value));

        await a.WaitForStatusAsync(s => s.IsLeader && s.Peers.Single().IsConnected && s.Peers.Single().LastFullSync is not null, "peer connected and synced");
        var peer = a.Status.Peers.Single();
        Assert.Equal("mesh-b", peer.Name);
        Assert.Null(peer.LastError);
        Assert.Equal(1, peer.ImportedServices);
    }

    [Fact(Timeout = 60_000)]
    public async Task StatusAndHealth_OnTheAdminListener_ReportPeersAndStayOffTheFederationListener()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        a.Peer(b);
        b.Peer(a);
        b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin")]);
        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);
        await a.WaitForStatusAsync(s => s.Peers.Single().LastFullSync is not null, "B synced");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.AdminPort}") };
        var cancellation = TestContext.Current.CancellationToken;

        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("/meshinterop/status", UriKind.Relative), cancellation));
        var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellation);

        var root = status.RootElement;
        Assert.Equal("mesh-a", root.GetProperty("mesh").GetString());
        Assert.True(root.GetProperty("leader").GetBoolean());
        var peer = root.GetProperty("peers")[0];
        Assert.Equal("mesh-b", peer.GetProperty("name").GetString());
        Assert.True(peer.GetProperty("connected").GetBoolean());
        Assert.Equal(1, peer.GetProperty("importedServices").GetInt32());
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        // On the federation listener, even an authorised peer does not see the status.
        var tls = new SpiffeTls(b.Svids, new X509SvidValidator(new InMemoryBundleSource(BundleSet.Empty.With(new X509Bundle(TrustDomain.Parse(a.TrustDomain), [a.Authority.Certificate])))), SpiffeAuthorizer.Exact(SpiffeId.Parse(a.AgentId)));
        using var peerHttp = new HttpClient(tls.CreateHttpHandler()) { BaseAddress = new Uri(a.Address), DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var fromPeer = await peerHttp.GetAsync(new Uri("/meshinterop/status", UriKind.Relative), cancellation);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, fromPeer.StatusCode);
    }
}
