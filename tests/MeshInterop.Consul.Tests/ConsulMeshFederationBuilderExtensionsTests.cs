using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Export;
using MeshInterop.Consul.Internal.Hosting;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Internal.Leadership;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using MeshInterop.Federation;
using MeshInterop.Federation.Leadership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Consul.Tests;

/// <summary>The registration on the federation builder: what it registers, start-up validation, the elector and the periodic repair.</summary>
public sealed class ConsulMeshFederationBuilderExtensionsTests : IAsyncLifetime
{
    private FakeConsulServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeConsulServer.StartAsync(null, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private sealed class TestBuilder(IServiceCollection services) : IMeshFederationBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private static (ServiceCollection Services, IMeshFederationBuilder Builder) Create(TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        return (services, new TestBuilder(services));
    }

    private void Valid(IMeshFederationBuilder builder) =>
        builder.AddConsul(o => o.Address = _server.Address);

    private static void ConfigureValid(IServiceCollection services)
    {
        services.Configure<ConsulExportOptions>(o => o.ExportTag = "export");
        services.Configure<ConsulImportOptions>(o => o.OwnerId = "mi-test");
        services.Configure<ConsulLeaderElectionOptions>(o => o.SessionTtl = TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void AddConsul_NullBuilder_ThrowsWithParamName()
    {
        IMeshFederationBuilder builder = null!;
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => builder.AddConsul()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => builder.AddConsulSink()).ParamName);
    }

    [Fact]
    public async Task AddConsul_RegistersSourceSinkAndElectorOverOneClient()
    {
        var (services, builder) = Create();
        services.AddSingleton<ILeaderElector, SomeOtherElector>();
        Valid(builder);
        Valid(builder);       // twice: still one of each
        ConfigureValid(services);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<ConsulExportSource>(provider.GetRequiredService<ICatalogSource>());
        Assert.IsType<ConsulImportSink>(provider.GetRequiredService<ICatalogSink>());
        Assert.IsType<ConsulLeaderElector>(Assert.Single(provider.GetServices<ILeaderElector>()));
        Assert.Same(provider.GetRequiredService<ConsulHttpClient>(), provider.GetRequiredService<ConsulHttpClient>());
        Assert.Single(provider.GetServices<IHostedService>().OfType<ConsulImportRepairService>());
        Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "meshinterop-consul-import");
        Assert.Equal(_server.Address, provider.GetRequiredService<ConsulHttpClient>().Options.Address);
    }

    [Fact]
    public async Task StartupValidation_InvalidOptions_ReportsEveryProblemWithItsConfigurationPath()
    {
        var (services, builder) = Create();
        builder.AddConsul(o => o.Address = new Uri("http://consul.example:8500"));
        services.Configure<ConsulLeaderElectionOptions>(o => o.SessionTtl = TimeSpan.FromSeconds(5));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var text = error is AggregateException many ? string.Join(" ", many.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("MeshInterop:Consul:Address", text, StringComparison.Ordinal);
        Assert.Contains("MeshInterop:Consul:Export: select what to export", text, StringComparison.Ordinal);
        Assert.Contains("MeshInterop:Consul:Import:OwnerId", text, StringComparison.Ordinal);
        Assert.Contains("MeshInterop:Consul:Leadership:SessionTtl", text, StringComparison.Ordinal);
        Assert.Contains("MeshInterop:Consul:Leadership:Key", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task LeaderElector_AcquireAndDispose_HoldsAndReleasesTheOwnersKey()
    {
        var (services, builder) = Create();
        Valid(builder);
        ConfigureValid(services);
        await using var provider = services.BuildServiceProvider();
        var elector = (ConsulLeaderElector)provider.GetRequiredService<ILeaderElector>();
        var client = provider.GetRequiredService<ConsulHttpClient>();

        var lease = await elector.AcquireAsync(TestContext.Current.CancellationToken);

        Assert.Same(lease, elector.Current);
        Assert.NotNull((await client.GetKeyAsync("meshinterop/leader/mi-test", ConsulQuery.Default, TestContext.Current.CancellationToken)).Value!.Session);
        await lease.DisposeAsync();
        Assert.Null(elector.Current);
        Assert.Null((await client.GetKeyAsync("meshinterop/leader/mi-test", ConsulQuery.Default, TestContext.Current.CancellationToken)).Value!.Session);
    }

    [Fact(Timeout = 20_000)]
    public async Task RepairService_WhileLeading_RestoresAnImportDeletedBehindItsBack()
    {
        var time = new FakeTimeProvider();
        var (services, builder) = Create(time);
        Valid(builder);
        ConfigureValid(services);
        await using var provider = services.BuildServiceProvider();
        var sink = provider.GetRequiredService<ConsulImportSink>();
        var client = provider.GetRequiredService<ConsulHttpClient>();
        var repair = provider.GetServices<IHostedService>().OfType<ConsulImportRepairService>().Single();
        await using var lease = await provider.GetRequiredService<ILeaderElector>().AcquireAsync(TestContext.Current.CancellationToken);
        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders")), TestContext.Current.CancellationToken);
        var service = Assert.Single((await client.GetNodeServicesAsync("meshinterop-emea", ConsulQuery.Default, TestContext.Current.CancellationToken)).Value!.Services!);
        await client.DeregisterAsync(new CatalogDeregistration { Node = "meshinterop-emea", ServiceID = service.ID }, TestContext.Current.CancellationToken);
        var writes = _server.RequestCount("/v1/txn");
        await repair.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromSeconds(30));
        await _server.WaitForRequestsAsync("/v1/txn", writes + 1, TestContext.Current.CancellationToken);
        await repair.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(service.ID, Assert.Single((await client.GetNodeServicesAsync("meshinterop-emea", ConsulQuery.Default, TestContext.Current.CancellationToken)).Value!.Services!).ID);
    }

    [Fact]
    public async Task HealthCheck_RefusedNode_IsUnhealthyAndNamesIt()
    {
        _server.AddAgentNode("meshinterop-emea", "10.0.0.9");
        var (services, builder) = Create();
        Valid(builder);
        ConfigureValid(services);
        await using var provider = services.BuildServiceProvider();
        var check = new ConsulImportHealthCheck(provider.GetRequiredService<ConsulImportSink>());
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status);

        await provider.GetRequiredService<ICatalogSink>().ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders")), TestContext.Current.CancellationToken);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("meshinterop-emea", result.Description, StringComparison.Ordinal);
    }

    private sealed class SomeOtherElector : ILeaderElector
    {
        public ValueTask<ILeadershipLease> AcquireAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
