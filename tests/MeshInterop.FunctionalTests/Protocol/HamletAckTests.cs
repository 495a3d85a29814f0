using System.Collections.Concurrent;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Owner;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>ACK/NACK behaviour and slow consumers, over real Kestrel, HTTP/2 and SPIFFE mTLS.</summary>
public sealed class HamletAckTests
{
    [Fact]
    public async Task ack_handler_failure_nacks()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("good"), SampleServices.Service("broken")]);
        await using var consumer = new ConsumerSide(owner.Address, scripted: true);
        var nacks = RecordNacks(owner, consumer);
        consumer.Scripted.FailWith = entry => entry.Key.Name == "broken" ? new IOException("sink write failed") : null;

        await consumer.StartAsync();

        await consumer.WaitUntilAsync(side => side.Consumer.Status.SnapshotComplete && !nacks.IsEmpty);
        var nack = Assert.Single(nacks);
        Assert.Equal(("broken", (int)StatusCode.Unavailable), (nack.ResourceKey, nack.Code));
        Assert.Contains("sink write failed", nack.Message, StringComparison.Ordinal);
        Assert.Equal(["good"], consumer.Imports.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task ack_policy_rejection_nacks_permission_denied()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("outside")]);
        await using var consumer = new ConsumerSide(owner.Address, scripted: true);
        var nacks = RecordNacks(owner, consumer);
        consumer.Scripted.FailWith = _ => new HamletImportRejectedException("SAN 'spiffe://owner.example/...' is outside the trust domains allowed for peer 'owner'");

        await consumer.StartAsync();

        await consumer.WaitUntilAsync(_ => !nacks.IsEmpty);
        Assert.Equal((int)StatusCode.PermissionDenied, Assert.Single(nacks).Code);
        Assert.Empty(consumer.Imports);
    }

    [Fact]
    public async Task ack_import_limit_nacks_permission_denied_and_keeps_what_was_accepted()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish(SampleServices.Many(3));
        await using var consumer = new ConsumerSide(owner.Address, sessions: new MeshInterop.Catalog.Resync.ImportSessionOptions { MaxImportsPerPeer = 2 });
        var nacks = RecordNacks(owner, consumer);

        await consumer.StartAsync();

        await consumer.WaitUntilAsync(side => !nacks.IsEmpty);
        var nack = Assert.Single(nacks);
        Assert.Equal(("svc0002", (int)StatusCode.PermissionDenied), (nack.ResourceKey, nack.Code));
        Assert.Equal(["svc0000", "svc0001"], consumer.Imports.Keys.Select(k => k.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task update_stalled_subscriber_isolated_and_overflow_converges()
    {
        var ownerOptions = OwnerServer.ServingV1Alpha2OnBothEnvelopes();
        ownerOptions.MaxStreamsPerPeer = 4;
        await using var owner = await OwnerServer.StartAsync(ownerOptions);
        owner.Store.Local.Publish([SampleServices.Service("seed")]);
        await using var stalled = new ConsumerSide(owner.Address, scripted: true);
        await using var healthy = new ConsumerSide(owner.Address);
        stalled.Scripted.Close();
        await stalled.StartAsync();
        await healthy.StartAsync();
        await healthy.WaitForCatalogAsync(owner.Store.Local.Current);

        // Flood while one subscriber never answers: the other still gets every change.
        for (var i = 0; i < 500; i++)
        {
            owner.Store.Local.Update([SampleServices.Service("hot", version: "r" + i), SampleServices.Service("svc" + (i % 50))], []);
        }

        await healthy.WaitForCatalogAsync(owner.Store.Local.Current);
        Assert.Empty(stalled.Imports);

        // Released, the stalled subscriber converges to the latest state, nothing lost.
        stalled.Scripted.Open();
        await stalled.WaitForCatalogAsync(owner.Store.Local.Current);
    }

    [Fact]
    public async Task Owner_PeerOverItsStreamLimit_GetsResourceExhaustedAndRetries()
    {
        var options = OwnerServer.ServingV1Alpha2OnBothEnvelopes();
        options.MaxStreamsPerPeer = 1;
        await using var owner = await OwnerServer.StartAsync(options);
        await using var first = new ConsumerSide(owner.Address);
        await using var second = new ConsumerSide(owner.Address);
        await first.StartAsync();
        await first.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Connected);

        await second.StartAsync();

        await second.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.WaitingToRetry);
        Assert.StartsWith("ResourceExhausted", second.Consumer.Status.LastError, StringComparison.Ordinal);
        Assert.Equal(HamletConsumerState.Connected, first.Consumer.Status.State);
    }

    [Fact]
    public async Task ext_snapshot_count_exact_sweep()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("keep"), SampleServices.Service("gone")]);
        await using var first = new ConsumerSide(owner.Address);
        await first.StartAsync();
        await first.WaitForCatalogAsync(owner.Store.Local.Current);
        await first.Consumer.StopAsync(purge: false, TestContext.Current.CancellationToken);

        owner.Store.Local.Update([], [new ServiceKey("gone")]);
        await first.Consumer.StartAsync(TestContext.Current.CancellationToken);

        // No clock moves: only the announced snapshot size can make the sweep happen now.
        await first.WaitForCatalogAsync(owner.Store.Local.Current);
    }

    [Fact]
    public async Task version_side_by_side_hosting()
    {
        // One server answers both paths...
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish(SampleServices.Many(3));
        await using var v1 = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha1 });
        await using var v2 = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha2 });
        await v1.StartAsync();
        await v2.StartAsync();
        await v1.WaitForCatalogAsync(owner.Store.Local.Current);
        await v2.WaitForCatalogAsync(owner.Store.Local.Current);

        // ...and a version it does not host answers Unimplemented, which the consumer does not retry.
        var options = new HamletOwnerOptions();
        options.V1Alpha2EnvelopeResources.Clear();
        await using var v1Only = await OwnerServer.StartAsync(options);
        await using var consumer = new ConsumerSide(v1Only.Address, new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha2 });
        await consumer.StartAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Failed);
        Assert.StartsWith("Unimplemented", consumer.Consumer.Status.LastError, StringComparison.Ordinal);
    }

    private static ConcurrentQueue<HamletNackEventArgs> RecordNacks(OwnerServer owner, ConsumerSide consumer)
    {
        var nacks = new ConcurrentQueue<HamletNackEventArgs>();
        owner.Owner.Nacked += (_, nack) =>
        {
            nacks.Enqueue(nack);
            consumer.Notify();
        };
        return nacks;
    }
}
