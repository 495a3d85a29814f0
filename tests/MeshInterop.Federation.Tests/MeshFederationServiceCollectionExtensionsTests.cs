using MeshInterop.Catalog;
using MeshInterop.Catalog.InMemory;
using MeshInterop.Federation.Leadership;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Tests;

public sealed class MeshFederationServiceCollectionExtensionsTests
{
    [Fact]
    public void AddMeshFederation_CalledTwice_ReturnsABuilderOverTheSameRegistration()
    {
        var services = new ServiceCollection();
        using var ca = TestCertificateAuthority.CreateRoot("mesh-a.example");
        services.AddSingleton<IX509SvidSource>(new InMemoryX509SvidSource(X509Svid.Create(ca.IssueSvid("/meshinterop/agent").Leaf)));

        var first = services.AddMeshFederation(o => o.MeshName = "mesh-a");
        var count = services.Count;
        var second = services.AddMeshFederation(o => o.TrustDomain = "mesh-a.example");

        Assert.Same(first, second);
        Assert.Same(services, second.Services);
        Assert.Equal(count + 1, services.Count); // only the second configure delegate
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<MeshFederationOptions>>().CurrentValue;
        Assert.Equal("mesh-a", options.MeshName);
        Assert.Equal("mesh-a.example", options.TrustDomain);
        Assert.Single(provider.GetServices<IValidateOptions<MeshFederationOptions>>());
    }

    [Fact]
    public void AddMeshFederation_Defaults_SingleReplicaElectorNoSourceNoSink()
    {
        var services = new ServiceCollection();
        services.AddMeshFederation();
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetService<ILeaderElector>());
        Assert.Null(provider.GetService<ICatalogSource>());
        Assert.Null(provider.GetService<ICatalogSink>());
    }

    [Fact]
    public async Task DefaultElector_Acquire_NeverLosesTheLease()
    {
        var services = new ServiceCollection();
        services.AddMeshFederation();
        using var provider = services.BuildServiceProvider();

        await using var lease = await provider.GetRequiredService<ILeaderElector>().AcquireAsync(TestContext.Current.CancellationToken);

        Assert.False(lease.Lost.CanBeCanceled);
    }

    [Fact]
    public void UseCatalogSink_AfterAddMeshFederation_ReplacesTheSink()
    {
        var services = new ServiceCollection();
        services.AddMeshFederation().UseCatalogSink<InMemoryCatalogSink>().UseCatalogSource<InMemoryCatalogSource>();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryCatalogSink>(provider.GetRequiredService<ICatalogSink>());
        Assert.IsType<InMemoryCatalogSource>(provider.GetRequiredService<ICatalogSource>());
    }
}
