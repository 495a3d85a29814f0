using System.Globalization;
using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// A seeded random run of catalog churn, consumer disconnects and owner restarts, after which the consumer
/// must hold exactly the owner's catalog. CI runs a few rounds per seed; set MESHINTEROP_SOAK_ROUNDS for a
/// longer run (docs/protocol.md).
/// </summary>
public sealed class HamletSoakTests
{
    private static int Rounds =>
        int.TryParse(Environment.GetEnvironmentVariable("MESHINTEROP_SOAK_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) ? rounds : 3;

    [Theory]
    [InlineData(20261125, 1)]
    [InlineData(7, 16)]
    public async Task Soak_ChurnDisconnectsAndRestarts_ConvergeExactly(int seed, int window)
    {
        var random = new Random(seed);
        var store = new CatalogStore();
        store.Local.Publish(SampleServices.Many(100));
        var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), store);
        var port = owner.Address.Port;
        try
        {
            await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { Window = window });
            await consumer.StartAsync();
            for (var round = 0; round < Rounds; round++)
            {
                Churn(store, random, 150);
                switch (random.Next(3))
                {
                    case 0:
                        // The owner restarts while the catalog keeps changing.
                        await owner.DisposeAsync();
                        Churn(store, random, 50);
                        owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), store, port: port);
                        break;
                    case 1:
                        // The consumer leaves on purpose without purging, and comes back.
                        await consumer.Consumer.StopAsync(purge: false, TestContext.Current.CancellationToken);
                        Churn(store, random, 50);
                        await consumer.Consumer.StartAsync(TestContext.Current.CancellationToken);
                        break;
                    default:
                        break;
                }

                await consumer.WaitForCatalogAsync(store.Local.Current);
            }
        }
        finally
        {
            await owner.DisposeAsync();
        }
    }

    private static void Churn(CatalogStore store, Random random, int changes)
    {
        for (var i = 0; i < changes; i++)
        {
            var name = "svc" + random.Next(150).ToString("D4", CultureInfo.InvariantCulture);
            if (random.Next(4) == 0)
            {
                store.Local.Update([], [new ServiceKey(name)]);
            }
            else
            {
                store.Local.Update([SampleServices.Service(name, port: 1024 + random.Next(60000), version: "r" + random.Next(1000))], []);
            }
        }
    }
}
