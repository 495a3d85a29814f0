using MeshInterop.Istio.Internal.Kubernetes;
using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Tests.Kubernetes;

public sealed class IstioApiDiscoveryTests
{
    [Fact]
    public async Task ResolveAllAsync_CurrentIstio_V1ForEveryKind()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var versions = await new IstioApiDiscovery(client).ResolveAllAsync(ct);
        Assert.All(IstioResourceType.All, t => Assert.Equal(IstioApiVersion.V1, versions[t]));
    }

    [Fact]
    public async Task ResolveAllAsync_Istio120_PicksPerKindNotPerGroup()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartIstio120Async(ct);
        using var client = FakeIstioCluster.Client(server);
        var versions = await new IstioApiDiscovery(client).ResolveAllAsync(ct);

        Assert.Equal(IstioApiVersion.V1Beta1, versions[IstioResourceType.ServiceEntry]);
        Assert.Equal(IstioApiVersion.V1Beta1, versions[IstioResourceType.Gateway]);
        // security.istio.io/v1 exists, but lists only AuthorizationPolicy.
        Assert.Equal(IstioApiVersion.V1, versions[IstioResourceType.AuthorizationPolicy]);
        Assert.Equal(IstioApiVersion.V1Beta1, versions[IstioResourceType.PeerAuthentication]);
    }

    [Fact]
    public async Task ResolveAsync_KindNotServed_Null()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MeshInterop.Testing.FakeKubernetes.FakeKubernetesServer.StartAsync(cancellationToken: ct);
        server.AddResource("networking.istio.io", "v1alpha3", "serviceentries", "ServiceEntry");
        using var client = FakeIstioCluster.Client(server);
        Assert.Null(await new IstioApiDiscovery(client).ResolveAsync(IstioResourceType.ServiceEntry, ct));
    }

    [Fact]
    public async Task ResolveAsync_Cached_UntilInvalidated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartIstio120Async(ct);
        using var client = FakeIstioCluster.Client(server);
        var discovery = new IstioApiDiscovery(client);
        Assert.Equal(IstioApiVersion.V1Beta1, await discovery.ResolveAsync(IstioResourceType.PeerAuthentication, ct));
        Assert.Equal(IstioApiVersion.V1Beta1, await discovery.ResolveAsync(IstioResourceType.PeerAuthentication, ct));
        Assert.Equal(2, server.Requests.Count(r => r.Path.StartsWith("/apis/security.istio.io/", StringComparison.Ordinal)));

        // The control plane is upgraded underneath: PeerAuthentication now has v1.
        server.AddResource("security.istio.io", "v1", "peerauthentications", "PeerAuthentication");
        Assert.Equal(IstioApiVersion.V1Beta1, await discovery.ResolveAsync(IstioResourceType.PeerAuthentication, ct));
        discovery.Invalidate(IstioResourceType.PeerAuthentication);
        Assert.Equal(IstioApiVersion.V1, await discovery.ResolveAsync(IstioResourceType.PeerAuthentication, ct));
    }
}
