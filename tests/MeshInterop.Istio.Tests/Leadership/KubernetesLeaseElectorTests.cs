using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal.Leadership;
using MeshInterop.Istio.Leadership;
using MeshInterop.Istio.Tests.Kubernetes;
using MeshInterop.Testing.FakeKubernetes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Istio.Tests.Leadership;

/// <summary>The Lease-based leader elector against the loopback fake API server, with time driven by a fake clock.</summary>
public sealed class KubernetesLeaseElectorTests
{
    private static async Task<FakeKubernetesServer> StartAsync(CancellationToken ct)
    {
        var server = await FakeKubernetesServer.StartAsync(cancellationToken: ct);
        server.AddResource("coordination.k8s.io", "v1", "leases", "Lease");
        return server;
    }

    private static KubernetesLeaseElector Elector(k8s.Kubernetes client, string identity, FakeTimeProvider time) =>
        new(client, Options.Create(new IstioLeaderElectionOptions { Identity = identity, LeaseNamespace = "mesh-federation" }), time, NullLogger<KubernetesLeaseElector>.Instance);

    private static JsonObject Lease(FakeKubernetesServer server) => server.Get("coordination.k8s.io", "leases", "mesh-federation", "meshinterop-agent")!;

    [Fact]
    public async Task AcquireAsync_NoLease_CreatesItAndLeads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(ct);
        using var client = FakeIstioCluster.Client(server);

        await using var lease = await Elector(client, "agent-a", new FakeTimeProvider()).AcquireAsync(ct);

        Assert.False(lease.Lost.IsCancellationRequested);
        Assert.Equal("agent-a", (string?)Lease(server)["spec"]!["holderIdentity"]);
        Assert.Equal(15, (int)Lease(server)["spec"]!["leaseDurationSeconds"]!);
    }

    [Fact]
    public async Task TryAcquire_HeldByAnotherReplica_OnlyAfterTheLeaseDurationWithoutRenewal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var time = new FakeTimeProvider();
        Assert.True(await Elector(client, "agent-a", time).TryAcquireOrRenewAsync(ct));
        var b = Elector(client, "agent-b", time);

        Assert.False(await b.TryAcquireOrRenewAsync(ct));
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(await b.TryAcquireOrRenewAsync(ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await b.TryAcquireOrRenewAsync(ct));

        Assert.Equal("agent-b", (string?)Lease(server)["spec"]!["holderIdentity"]);
        Assert.Equal(1, (int)Lease(server)["spec"]!["leaseTransitions"]!);
    }

    [Fact]
    public async Task TryAcquire_RenewedMeanwhile_FollowerWaitsAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var time = new FakeTimeProvider();
        var a = Elector(client, "agent-a", time);
        var b = Elector(client, "agent-b", time);
        Assert.True(await a.TryAcquireOrRenewAsync(ct));
        Assert.False(await b.TryAcquireOrRenewAsync(ct));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await a.TryAcquireOrRenewAsync(ct));   // a renews
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(await b.TryAcquireOrRenewAsync(ct));   // b saw the renewal 10 s ago, not 20
    }

    [Fact(Timeout = 20_000)]
    public async Task Lease_AnotherReplicaTakesTheLease_LostFires()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var time = new FakeTimeProvider();
        await using var lease = await Elector(client, "agent-a", time).AcquireAsync(ct);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lease.Lost.Register(() => lost.TrySetResult());

        var taken = Lease(server);
        taken["spec"]!["holderIdentity"] = "agent-b";
        server.Seed("leases", taken, manager: "other-agent");
        time.Advance(TimeSpan.FromSeconds(2));   // the next renewal finds agent-b holding it

        await lost.Task.WaitAsync(ct);
        Assert.Equal("agent-b", (string?)Lease(server)["spec"]!["holderIdentity"]);
    }

    [Fact(Timeout = 20_000)]
    public async Task Lease_ApiServerUnreachablePastTheRenewDeadline_LostFires()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var time = new FakeTimeProvider();
        await using var lease = await Elector(client, "agent-a", time).AcquireAsync(ct);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lease.Lost.Register(() => lost.TrySetResult());
        server.Fault = r => r.Path.Contains("/leases", StringComparison.Ordinal) ? 500 : null;

        time.Advance(TimeSpan.FromSeconds(10));   // one renewal attempt, failing, with the renew deadline reached

        await lost.Task.WaitAsync(ct);
        Assert.Contains(server.Requests, r => r.Method == "GET" && r.Path.EndsWith("/leases/meshinterop-agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposeAsync_Leader_ReleasesTheLeaseForTheNextReplica()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var time = new FakeTimeProvider();

        var lease = await Elector(client, "agent-a", time).AcquireAsync(ct);
        await lease.DisposeAsync();

        Assert.Null((string?)Lease(server)["spec"]!["holderIdentity"]);
        Assert.True(await Elector(client, "agent-b", time).TryAcquireOrRenewAsync(ct));
    }
}
