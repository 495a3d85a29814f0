using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Federation;
using MeshInterop.Identity.Tests.Federation;
using MeshInterop.Identity.X509;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static MeshInterop.Identity.Tests.Federation.FederationPki;

namespace MeshInterop.Identity.Tests.AspNetCore;

public sealed class SpiffeBundleRefresherServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddSpiffeBundleRefresher_HostStarts_PeersBundleArrivesAndHostStopsCleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        var bundles = new InMemoryBundleSource();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSpiffeBundleRefresher(_ => new FederatedBundleRefresher(bundles, [SpiffeOptions(server.Url())]));
        builder.Services.AddSpiffeBundleRefresher(_ => throw new InvalidOperationException("a second registration must be ignored"));
        using var host = builder.Build();

        var known = bundles.Current.Generation;
        await host.StartAsync(ct);
        var updated = await bundles.WaitForChangeAsync(known, ct);
        await host.StopAsync(ct);

        Assert.True(updated.TryGetX509Bundle(BundleServerTrustDomain, out var bundle));
        Assert.Equal(ExampleRoot.Certificate.RawData, Assert.Single(bundle.Authorities).RawData);
    }

    [Fact]
    public void AddSpiffeBundleRefresher_NullFactory_ThrowsWithParamName()
    {
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddSpiffeBundleRefresher(null!)).ParamName);
    }

    private static TrustDomain BundleServerTrustDomain => BundleEndpointServer.ExampleOrg;
}
