using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Watch;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Consul.Tests.Internal.Watch;

public sealed class BlockingQueryWatchTests : IAsyncLifetime
{
    private const string Service = "orders";
    private const string HealthPath = "/v1/health/service/orders";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SignalingLogger _log = new();
    private FakeConsulServer _server = null!;
    private ConsulTestClient _test = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync(_time, TestContext.Current.CancellationToken);
        _test = ConsulTestClient.Create(_server.Address, _time, o =>
        {
            o.WatchRateInterval = TimeSpan.FromSeconds(1);
            o.RetryBaseDelay = TimeSpan.FromSeconds(1);
        });
        await _test.Client.DetectEditionAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _test.Dispose();
        await _server.DisposeAsync();
    }

    private Task<bool> RegisterAsync(string id, int port = 8443) =>
        _test.Client.RegisterAsync(new CatalogRegistration
        {
            Node = "node-" + id,
            Address = "198.51.100.40",
            Service = new AgentService { ID = id, Service = Service, Port = port },
        }, TestContext.Current.CancellationToken);

    private static bool RemovesInstances(List<ServiceEntry> before, List<ServiceEntry> after) =>
        before.Any(b => after.All(a => !string.Equals(a.Service?.ID, b.Service?.ID, StringComparison.Ordinal)));

    private BlockingQueryWatch<List<ServiceEntry>> Watch() =>
        BlockingQueryWatch<List<ServiceEntry>>.Stale("health-service", Service,
            (query, ct) => _test.Client.GetHealthServiceAsync(Service, query, ct), RemovesInstances, _test.Options, _time, _test.Metrics, _log);

    /// <summary>Drives a watch; disposing cancels it and waits for the pending step, as a consumer shutting down would.</summary>
    private sealed class RunningWatch(IAsyncEnumerable<WatchUpdate<List<ServiceEntry>>> updates) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        private IAsyncEnumerator<WatchUpdate<List<ServiceEntry>>>? _enumerator;
        private Task<bool>? _pending;

        public WatchUpdate<List<ServiceEntry>> Current => _enumerator!.Current;

        public Task<bool> MoveNextAsync()
        {
            _enumerator ??= updates.GetAsyncEnumerator(_stop.Token);
            _pending = _enumerator.MoveNextAsync().AsTask();
            return _pending;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_pending is not null)
            {
                try
                {
                    await _pending;
                }
                catch (OperationCanceledException)
                {
                    // Expected: the watch was parked or waiting when it was stopped.
                }
                catch (ConsulException)
                {
                    // The test that ended the watch with this error has asserted it already.
                }
            }

            if (_enumerator is not null)
            {
                await _enumerator.DisposeAsync();
            }

            _stop.Dispose();
        }
    }

    private async Task AdvanceAfterAsync(string eventName, int count, TimeSpan by)
    {
        await _log.WaitForAsync(eventName, TestContext.Current.CancellationToken, count);
        _time.Advance(by);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_ChangeWhileParked_YieldsNewContentWithHigherIndex()
    {
        await RegisterAsync("orders-1");
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));

        Assert.True(await watch.MoveNextAsync());
        var first = watch.Current;
        var next = watch.MoveNextAsync();
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);
        await RegisterAsync("orders-2");

        Assert.True(await next);
        Assert.Single(first.Value);
        Assert.Equal(2, watch.Current.Value.Count);
        Assert.True(watch.Current.Index > first.Index);
        Assert.False(watch.Current.IsResync);
        Assert.Contains("stale", _server.Requests.Last(r => r.Path == HealthPath).Query, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_SpuriousWakeupsAndIdempotentWrites_YieldNothing()
    {
        await RegisterAsync("orders-1");
        using var wakeups = new MetricCollector<long>(_test.MeterFactory, ConsulTelemetry.Name, "meshinterop.consul.watch.wakeups");
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));
        Assert.True(await watch.MoveNextAsync());
        var first = watch.Current;
        var next = watch.MoveNextAsync();

        // A wake-up without any change, then an identical re-registration that bumps the index.
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);
        _server.ReleaseParked();
        await AdvanceAfterAsync("WatchPaced", 1, TimeSpan.FromSeconds(1));
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);
        await RegisterAsync("orders-1");
        await AdvanceAfterAsync("WatchPaced", 2, TimeSpan.FromSeconds(1));
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);

        Assert.False(next.IsCompleted);
        var queries = _server.Requests.Where(r => r.Path == HealthPath).Select(r => r.Query).ToList();
        Assert.Equal(4, queries.Count);
        Assert.Contains($"index={first.Index}&", queries[2], StringComparison.Ordinal);
        Assert.DoesNotContain($"index={first.Index}&", queries[3], StringComparison.Ordinal);
        Assert.Equal(2, wakeups.GetMeasurementSnapshot().Count(m => m.Tags["meshinterop.consul.changed"] is false));

        await RegisterAsync("orders-1", port: 9443);
        Assert.True(await next);
        Assert.Equal(9443, Assert.Single(watch.Current.Value).Service!.Port);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_IndexGoesBackwards_ResetsToZeroAndResyncs()
    {
        await RegisterAsync("orders-1");
        using var resets = new MetricCollector<long>(_test.MeterFactory, ConsulTelemetry.Name, "meshinterop.consul.watch.index_resets");
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));
        Assert.True(await watch.MoveNextAsync());
        var first = watch.Current;
        var next = watch.MoveNextAsync();
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);

        _server.RestoreSnapshotWithLowerIndexes();

        Assert.True(await next);
        Assert.True(watch.Current.IsResync);
        Assert.Equal(0UL, watch.Current.Index);
        Assert.True(watch.Current.Meta.LastIndex < first.Index);
        Assert.Equal(first.Value.Single().Service!.ID, watch.Current.Value.Single().Service!.ID);
        Assert.Single(resets.GetMeasurementSnapshot());
        Assert.Equal(1, _log.Count("IndexWentBackwards"));

        // The resync read does not block (index 0); the one after it blocks again on the new, lower index.
        var resync = watch.Current;
        var after = watch.MoveNextAsync();
        await AdvanceAfterAsync("WatchPaced", 1, TimeSpan.FromSeconds(1));
        await AdvanceAfterAsync("WatchPaced", 2, TimeSpan.FromSeconds(1));
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);
        var queries = _server.Requests.Where(r => r.Path == HealthPath).Select(r => r.Query).ToList();
        Assert.DoesNotContain("index=", queries[2], StringComparison.Ordinal);
        Assert.Contains($"index={resync.Meta.LastIndex}&", queries[3], StringComparison.Ordinal);
        Assert.False(after.IsCompleted);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_ServerSendsZeroIndex_BlocksOnOneInstead()
    {
        await RegisterAsync("orders-1");
        _server.Faults.ZeroIndexNext(HealthPath);
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(1UL, watch.Current.Index);
        var next = watch.MoveNextAsync();
        await AdvanceAfterAsync("WatchPaced", 1, TimeSpan.FromSeconds(1));
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);

        var queries = _server.Requests.Where(r => r.Path == HealthPath).Select(r => r.Query).ToList();
        Assert.Contains("index=1&", queries[1], StringComparison.Ordinal);
        Assert.Equal(1, _log.Count("ZeroIndexClamped"));
        Assert.False(next.IsCompleted);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_StaleRemovalWithoutLeader_WaitsForLeaderConfirmation()
    {
        await RegisterAsync("orders-1");
        await RegisterAsync("orders-2");
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(2, watch.Current.Value.Count);
        var next = watch.MoveNextAsync();
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);

        // The follower serving stale reads has applied a deregistration, but no leader can confirm it.
        _server.Faults.LoseLeader();
        _server.Commit(store => store.DeleteService("node-orders-2", "orders-2", store.NextIndex()));
        await _log.WaitForAsync("WatchRetrying", TestContext.Current.CancellationToken);
        Assert.False(next.IsCompleted);

        _server.Faults.RestoreLeader();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await next);
        Assert.Equal(1, _log.Count("RemovalNotConfirmed"));
        Assert.True(watch.Current.ConfirmedByLeader);
        Assert.Equal("orders-1", Assert.Single(watch.Current.Value).Service!.ID);
        Assert.Equal("leader", watch.Current.Meta.EffectiveConsistency);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_StaleReadWithoutLeader_StillYieldsAdditionsAndWarns()
    {
        await RegisterAsync("orders-1");
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));
        Assert.True(await watch.MoveNextAsync());
        var next = watch.MoveNextAsync();
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);

        _server.Faults.LoseLeader();
        _time.Advance(TimeSpan.FromSeconds(30));
        _server.Commit(store => store.Services["node-orders-1/orders-2"] = store.Services["node-orders-1/orders-1"] with { Id = "orders-2", ModifyIndex = store.NextIndex() });
        _server.Commit(store => store.TouchService(Service, store.Index));

        Assert.True(await next);
        Assert.Equal(2, watch.Current.Value.Count);
        Assert.False(watch.Current.ConfirmedByLeader);
        Assert.Equal(false, watch.Current.Meta.KnownLeader);
        Assert.True(watch.Current.Meta.LastContact >= TimeSpan.FromSeconds(30));
        Assert.Equal(1, _log.Count("StaleReadLagging"));
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_ServerError_BacksOffThenRecovers()
    {
        await RegisterAsync("orders-1");
        _server.Faults.FailNext(HealthPath, 500, ConsulTexts.NoLeader);
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));
        var first = watch.MoveNextAsync();

        await AdvanceAfterAsync("WatchRetrying", 1, TimeSpan.FromSeconds(1));

        Assert.True(await first);
        Assert.Single(watch.Current.Value);
        Assert.Equal(2, _server.RequestCount(HealthPath));
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_ReadRateLimited_RetriesAtOnce()
    {
        await RegisterAsync("orders-1");
        _server.Faults.FailNext(HealthPath, 429, ConsulTexts.ReadRateLimit);
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(2, _server.RequestCount(HealthPath));
        Assert.Contains(_log.Records, r => r.Name == "WatchRetrying" && r.Message.Contains("in 0 ms", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_BadRequest_EndsWithTheException()
    {
        _server.Faults.FailNext(HealthPath, 400, ConsulTexts.InvalidIndex);
        await using var watch = new RunningWatch(Watch().WatchAsync(TestContext.Current.CancellationToken));

        var error = await Assert.ThrowsAsync<ConsulBadRequestException>(async () => await watch.MoveNextAsync());
        Assert.Equal(ConsulRetryClass.Bug, error.RetryClass);
        Assert.Equal(1, _log.Count("WatchFailed"));
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_AclFilteredResult_IsMarkedPartial()
    {
        await RegisterAsync("orders-1");
        _server.AclsEnabled = true;
        _server.AddToken("reader", "accessor-reader", AclRule.ServicePrefix(string.Empty, AclLevel.Read), AclRule.NodePrefix("node-orders-1", AclLevel.Read));
        await RegisterAsyncAs("orders-2");
        using var reader = ConsulTestClient.Create(_server.Address, _time, o => o.Token = "reader");
        await reader.Client.DetectEditionAsync(TestContext.Current.CancellationToken);
        var watch = BlockingQueryWatch<List<ServiceEntry>>.Stale("health-service", Service,
            (query, ct) => reader.Client.GetHealthServiceAsync(Service, query, ct), RemovesInstances, reader.Options, _time, reader.Metrics, _log);
        await using var updates = new RunningWatch(watch.WatchAsync(TestContext.Current.CancellationToken));

        Assert.True(await updates.MoveNextAsync());
        Assert.True(updates.Current.IsPartial);
        Assert.Equal("orders-1", Assert.Single(updates.Current.Value).Service!.ID);
    }

    private async Task RegisterAsyncAs(string id)
    {
        _server.AddManagementToken("root");
        using var admin = ConsulTestClient.Create(_server.Address, _time, o => o.Token = "root");
        await admin.Client.RegisterAsync(new CatalogRegistration
        {
            Node = "node-" + id,
            Address = "198.51.100.41",
            Service = new AgentService { ID = id, Service = Service, Port = 8443 },
        }, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_Cancelled_StopsAndReleasesActiveWatchGauge()
    {
        await RegisterAsync("orders-1");
        using var active = new MetricCollector<long>(_test.MeterFactory, ConsulTelemetry.Name, "meshinterop.consul.watch.active");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var watch = Watch().WatchAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        var next = watch.MoveNextAsync();
        await _server.WaitForParkedAsync(HealthPath, TestContext.Current.CancellationToken);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
        await watch.DisposeAsync();
        Assert.Equal(0, active.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal("{watch}", active.Instrument!.Unit);
    }

    [Fact]
    public void RetryDelay_ByClass_FollowsTheReference()
    {
        var watch = Watch();
        Assert.Equal(TimeSpan.Zero, watch.RetryDelay(ConsulRetryClass.RetryElsewhere, failures: 0));
        Assert.Equal(_test.Options.RetryMaxDelay, watch.RetryDelay(ConsulRetryClass.StopAndAlert, failures: 0));
        for (var failures = 0; failures < 12; failures++)
        {
            var ceiling = watch.MaxBackOff(failures);
            var delay = watch.RetryDelay(ConsulRetryClass.BackOff, failures);
            Assert.InRange(delay, ceiling / 2, ceiling);
            Assert.True(ceiling <= _test.Options.RetryMaxDelay);
        }

        Assert.Equal(TimeSpan.FromSeconds(4), watch.MaxBackOff(2));
        Assert.Equal(_test.Options.RetryMaxDelay, watch.MaxBackOff(50));
    }
}
