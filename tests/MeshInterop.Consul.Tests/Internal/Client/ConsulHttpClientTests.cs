using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;

namespace MeshInterop.Consul.Tests.Internal.Client;

public sealed class ConsulHttpClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterAsync_ThenHealthService_ReturnsInstanceWithHeaders()
    {
        await using var consul = await FakeConsulServer.StartAsync(null, Ct);
        using var test = ConsulTestClient.Create(consul.Address);
        await test.Client.DetectEditionAsync(Ct);
        Assert.True(await test.Client.RegisterAsync(new CatalogRegistration
        {
            Node = "meshinterop-emea",
            Address = "198.51.100.40",
            Service = new AgentService { ID = "emea-orders-1", Service = "emea-orders", Port = 8443, Tags = ["meshinterop"] },
        }, Ct));

        var result = await test.Client.GetHealthServiceAsync("emea-orders", new ConsulQuery { Consistency = ConsulConsistency.Stale }, Ct);

        var entry = Assert.Single(result.Value);
        Assert.Equal("emea-orders-1", entry.Service!.ID);
        Assert.Equal(8443, entry.Service.Port);
        Assert.True(result.Meta.LastIndex > 1);
        Assert.Equal(true, result.Meta.KnownLeader);
        Assert.Equal("stale", result.Meta.EffectiveConsistency);
    }
}
