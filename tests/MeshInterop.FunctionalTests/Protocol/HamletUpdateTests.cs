using System.Collections.Concurrent;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Resync;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Mapping;
using Microsoft.Extensions.Time.Testing;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>Incremental updates and the subscription lifecycle, owner engine against consumer engine over mTLS.</summary>
public sealed class HamletUpdateTests
{
    public static TheoryData<HamletEnvelope> Envelopes => [HamletEnvelope.V1Alpha1, HamletEnvelope.V1Alpha2];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task update_create_fanout()
    {
        await using var owner = await OwnerServer.StartAsync();
        using var client = new RawHamletClient(owner.Address);
        using var first = await client.SubscribeV1Async(RawHamletClient.V1Url);
        using var second = await client.SubscribeV1Async(RawHamletClient.V1Url);
        using var third = await client.SubscribeV2Async();
        await Task.WhenAll(first.ResponseHeadersAsync, second.ResponseHeadersAsync, third.ResponseHeadersAsync);

        owner.Store.Local.Publish([SampleServices.Service("web")]);

        foreach (var call in new[] { first, second })
        {
            var response = await RawHamletClient.NextAsync(call.ResponseStream);
            Assert.Equal(V1.StreamResponse.Types.Operation.Create, response.Operation);
            Assert.Equal("web.owner.example", response.Resource.Unpack<V1.FederatedService>().Fqdn);
        }

        var upsert = (await RawHamletClient.NextAsync(third.ResponseStream)).Response;
        Assert.Equal((V2.StreamResponse.Types.Operation.Upsert, "web"), (upsert.Operation, upsert.ResourceId));
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task update_carries_full_object(HamletEnvelope envelope)
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        using var client = new RawHamletClient(owner.Address);
        var changed = SampleServices.Service("web", port: 9443);

        V2.FederatedService sent;
        if (envelope == HamletEnvelope.V1Alpha1)
        {
            using var call = await client.SubscribeV1Async(RawHamletClient.V2Url);
            await call.RequestStream.WriteAsync(RawHamletClient.Ack(await RawHamletClient.NextAsync(call.ResponseStream)), Token);
            owner.Store.Local.Update([changed], []);
            var update = await RawHamletClient.NextAsync(call.ResponseStream);
            Assert.Equal(V1.StreamResponse.Types.Operation.Update, update.Operation);
            sent = update.Resource.Unpack<V2.FederatedService>();
        }
        else
        {
            using var call = await client.SubscribeV2Async();
            await call.RequestStream.WriteAsync(RawHamletClient.Ack((await RawHamletClient.NextAsync(call.ResponseStream)).Response), Token);
            owner.Store.Local.Update([changed], []);
            sent = (await RawHamletClient.NextAsync(call.ResponseStream)).Response.Resource.Unpack<V2.FederatedService>();
        }

        // Every field, the unchanged ones with their current values: the whole object, never a delta.
        Assert.Equal(V1Alpha2Mapper.ToWire(changed), sent);
        Assert.NotEmpty(sent.Sans);
        Assert.NotEmpty(sent.Labels);
        Assert.NotEmpty(sent.Instances);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task update_delete_removes_entry(HamletEnvelope envelope)
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish(SampleServices.Many(3));
        await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = envelope });
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);

        owner.Store.Local.Update([], [new ServiceKey("svc0001")]);

        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        Assert.Equal(["svc0000", "svc0002"], consumer.Imports.Keys.Select(k => k.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task update_per_key_order_preserved(HamletEnvelope envelope)
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("seed")]);
        await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = envelope, Window = 16 }, scripted: true);
        var applied = new ConcurrentQueue<string>();
        consumer.Scripted.FailWith = entry =>
        {
            applied.Enqueue(entry.Key.Name + ":" + entry.Description);
            return null;
        };
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);

        // Create, update and delete one key while the consumer is held, then release it.
        consumer.Scripted.Close();
        owner.Store.Local.Update([SampleServices.Service("hot", version: "v1")], []);
        owner.Store.Local.Update([SampleServices.Service("hot", version: "v2")], []);
        owner.Store.Local.Update([], [new ServiceKey("hot")]);
        owner.Store.Local.Update([SampleServices.Service("after")], []);
        consumer.Scripted.Open();

        // The delete was applied last (the key is gone), and the upserts that reached the handler (the owner
        // may coalesce pending ones) came in publish order, each once.
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        Assert.False(consumer.Imports.ContainsKey(new ServiceKey("hot")));
        var hot = applied.Where(a => a.StartsWith("hot:", StringComparison.Ordinal)).ToList();
        Assert.Equal(hot.Order(StringComparer.Ordinal), hot);
        Assert.Equal(hot.Distinct(StringComparer.Ordinal).Count(), hot.Count);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(null)]
    public async Task lifecycle_disconnected_ttl_honoured(int? ttlMinutes)
    {
        var time = new FakeTimeProvider();
        var ttl = ttlMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish(SampleServices.Many(2));
        await using var consumer = new ConsumerSide(owner.Address, time: time, sessions: new ImportSessionOptions { DisconnectedTtl = ttl });
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);

        await owner.DisposeAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.WaitingToRetry);
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(2, consumer.Imports.Count);

        time.Advance(TimeSpan.FromDays(1));
        if (ttl is null)
        {
            Assert.Equal(2, consumer.Imports.Count); // kept indefinitely
        }
        else
        {
            await consumer.WaitUntilAsync(side => side.Imports.Count == 0);
        }
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task lifecycle_cancel_releases_subscription(HamletEnvelope envelope)
    {
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), meterFactory: log.Meters);
        owner.Store.Local.Publish(SampleServices.Many(2));
        await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = envelope });
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        Assert.Equal(1, owner.Owner.StreamCount);

        await consumer.Consumer.StopAsync(purge: false, Token);

        await log.WaitUntilAsync(l => l.Count(OwnerEventKind.StreamClosed) == 1);
        Assert.Equal(0, owner.Owner.StreamCount);

        // The owner's catalog feed was released too: changes after the cancel go nowhere and break nothing.
        owner.Store.Local.Update([SampleServices.Service("later")], []);
        Assert.Equal(2, log.Count(OwnerEventKind.Sent));
    }
}
