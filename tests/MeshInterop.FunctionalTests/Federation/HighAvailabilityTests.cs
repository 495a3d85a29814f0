using MeshInterop.Catalog;
using MeshInterop.Catalog.InMemory;
using MeshInterop.Federation.Leadership;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class HighAvailabilityTests
{
    [Fact(Timeout = 60_000)]
    public async Task Failover_LeaderKilledMidWrite_NewLeaderConvergesExactlyAndTheOldOneNeverWritesAgain()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var shared = new InMemoryCatalogSink();
        var log = new SinkLog();
        using var first = new ControlledElector("a1");
        using var second = new ControlledElector("a2");
        await using var peer = new MeshAgent("mesh-b");
        await using var a1 = Replica("a1", first, shared, log);
        await using var a2 = Replica("a2", second, shared, log, a1);
        peer.Peer(a1);
        a1.Peer(peer);
        a2.Peer(peer);
        peer.Source.Publish(Enumerable.Range(0, 50).Select(i => FederatedServices.Service("mesh-b", $"svc{i:D2}")));

        // The old leader's last write (as a previous run would have left it): a stale entry the new leader must sweep.
        await shared.ReconcileAsync(CatalogSnapshot.Create([FederatedServices.Service("mesh-b", "stale") with { Key = new ServiceKey("mesh-b-stale"), Name = "mesh-b-stale" }]), cancellation);
        await peer.StartAsync(cancellation);
        await a1.StartAsync(cancellation);
        await a2.StartAsync(cancellation);

        // a1 leads, resyncs, and is killed while its first sink write is in flight.
        var held = log.HoldNextAsync(cancellation);
        first.Grant();
        await held;
        var lost = await first.RevokeAsync();
        log.Release();
        await a1.WaitForStatusAsync(s => !s.IsLeader, "a1 steps down");
        Assert.Contains("mesh-b-stale", shared.Current.Keys.Select(k => k.Name));

        // The peer changes during the failover; a2 takes over.
        peer.Source.Update([FederatedServices.Service("mesh-b", "late")], [new ServiceKey("svc00")]);
        second.Grant();
        await a2.WaitForStatusAsync(s => s.IsLeader && s.Peers.Single().LastFullSync is not null, "a2 leads and resynced");
        await a2.WaitForSinkAsync(s => s.Count == 50 && s.ContainsKey(new ServiceKey("mesh-b-late")) && !s.ContainsKey(new ServiceKey("mesh-b-svc00")) && !s.ContainsKey(new ServiceKey("mesh-b-stale")), "exactly the peer's catalog");

        var calls = log.Calls;
        Assert.True(lost.IsCancellationRequested);
        Assert.DoesNotContain(calls, c => c.AfterLost);
        Assert.Equal(("a1", "reconcile"), (calls[0].Replica, calls[0].Operation));
        Assert.Single(calls, c => c.Replica == "a1");
        Assert.Equal(("a2", "reconcile"), (calls[1].Replica, calls[1].Operation)); // a2's first write sweeps, nothing before it
        Assert.Equal(1, first.Acquisitions);
    }

    private static MeshAgent Replica(string name, ILeaderElector elector, InMemoryCatalogSink shared, SinkLog log, MeshAgent? sibling = null)
    {
        // Replicas of one mesh share its trust domain, CA and agent identity.
        var replica = new MeshAgent("mesh-a", sibling?.Authority, shared, sink => new RecordingSink(name, sink, log));
        replica.ConfigureServices = services => services.AddSingleton(elector);
        return replica;
    }
}
