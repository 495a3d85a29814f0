using System.Text;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Leadership;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Consul.Tests.Internal.Leadership;

/// <summary>One active writer per owner: the session lock through the double, with the clock driven by the test.</summary>
public sealed class ConsulSessionLockTests : IAsyncLifetime
{
    private const string Key = "meshinterop/leader/mi-test";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LockDelay = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SignalingLogger _log = new();
    private FakeConsulServer _server = null!;
    private ConsulTestClient _test = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync(_time, TestContext.Current.CancellationToken);
        _test = ConsulTestClient.Create(_server.Address, _time);
        await _test.Client.DetectEditionAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _test.Dispose();
        await _server.DisposeAsync();
    }

    private ConsulSessionLock Lock(string holder) => new(_test.Client, Key, holder, Ttl, LockDelay, _log);

    private static async Task WhenCancelledAsync(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => done.TrySetResult()))
        {
            await done.Task.WaitAsync(TestContext.Current.CancellationToken);
        }
    }

    private async Task<KvPair?> KeyAsync() => (await _test.Client.GetKeyAsync(Key, ConsulQuery.Default, TestContext.Current.CancellationToken)).Value;

    [Fact(Timeout = 20_000)]
    public async Task AcquireAsync_Free_HoldsTheKeyAndReleasesOnDispose()
    {
        var lease = await Lock("agent-a").AcquireAsync(TestContext.Current.CancellationToken);

        var held = await KeyAsync();
        Assert.Equal((lease.Session, "agent-a"), (held!.Session, Encoding.UTF8.GetString(held.Value!)));
        // Each renewal round must finish before the clock moves again: moving it mid-request would pass the request's deadline.
        _time.Advance(Ttl / 2);
        await _log.WaitForAsync("LockRenewed", TestContext.Current.CancellationToken);
        _time.Advance(Ttl / 2);
        await _log.WaitForAsync("LockRenewed", TestContext.Current.CancellationToken, count: 2);
        Assert.False(lease.Lost.IsCancellationRequested);

        await lease.DisposeAsync();

        Assert.Null((await KeyAsync())!.Session);
        Assert.Null((await _test.Client.GetSessionAsync(lease.Session, ConsulQuery.Default, TestContext.Current.CancellationToken)).Value);
    }

    [Fact(Timeout = 20_000)]
    public async Task AcquireAsync_Held_WaitsOnTheKeyAndTakesItWhenReleased()
    {
        var first = await Lock("agent-a").AcquireAsync(TestContext.Current.CancellationToken);
        var second = Lock("agent-b").AcquireAsync(TestContext.Current.CancellationToken);
        await _server.WaitForParkedAsync("/v1/kv/" + Key, TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await using var lease = await second;

        Assert.Equal(lease.Session, (await KeyAsync())!.Session);
        Assert.Equal(0, _log.Count("LockFreeWaitingDelay"));
    }

    [Fact(Timeout = 20_000)]
    public async Task LostSession_FiresLost_AndSuccessorWaitsForTheLockDelay()
    {
        var first = await Lock("agent-a").AcquireAsync(TestContext.Current.CancellationToken);
        var second = Lock("agent-b").AcquireAsync(TestContext.Current.CancellationToken);
        await _server.WaitForParkedAsync("/v1/kv/" + Key, TestContext.Current.CancellationToken);

        // The holder's session is invalidated (a partition, a stalled process): Consul releases the key and starts the lock delay.
        _server.InvalidateSession(first.Session);
        await _log.WaitForAsync("LockFreeWaitingDelay", TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);
        _time.Advance(Ttl / 2);
        await WhenCancelledAsync(first.Lost);
        Assert.Equal(1, _log.Count("LockLost"));
        Assert.False(second.IsCompleted);

        _time.Advance(LockDelay - (Ttl / 2));
        await using var lease = await second;

        Assert.Equal(lease.Session, (await KeyAsync())!.Session);
        await first.DisposeAsync();
        Assert.Equal(lease.Session, (await KeyAsync())!.Session);
    }

    [Fact(Timeout = 20_000)]
    public async Task ConsulUnreachableAtRenewal_FiresLost()
    {
        var lease = await Lock("agent-a").AcquireAsync(TestContext.Current.CancellationToken);
        _server.Faults.FailNext("/v1/session/renew/", 500, ConsulTexts.NoLeader);

        _time.Advance(Ttl / 2);
        await WhenCancelledAsync(lease.Lost);

        await lease.DisposeAsync();
    }

    [Fact]
    public void Constructor_TtlOutsideConsulsRange_Throws() =>
        Assert.Equal("ttl", Assert.Throws<ArgumentOutOfRangeException>(() => new ConsulSessionLock(_test.Client, Key, "a", TimeSpan.FromSeconds(5), LockDelay, _log)).ParamName);
}
