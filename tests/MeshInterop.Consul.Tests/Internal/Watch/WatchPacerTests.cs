using MeshInterop.Consul.Internal.Watch;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Consul.Tests.Internal.Watch;

public sealed class WatchPacerTests
{
    [Fact]
    public async Task TakeAsync_BurstOfTwo_ThirdWaitsForOneInterval()
    {
        var time = new FakeTimeProvider();
        var waits = new List<TimeSpan>();
        var pacer = new WatchPacer(TimeSpan.FromSeconds(5), burst: 2, time, waits.Add);
        var ct = TestContext.Current.CancellationToken;

        Assert.True(pacer.TakeAsync(ct).AsTask().IsCompleted);
        Assert.True(pacer.TakeAsync(ct).AsTask().IsCompleted);
        var third = pacer.TakeAsync(ct).AsTask();
        Assert.False(third.IsCompleted);
        Assert.Equal([TimeSpan.FromSeconds(5)], waits);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await third;
    }

    [Fact]
    public void TakeAsync_AfterLongIdle_RefillsOnlyUpToBurst()
    {
        var time = new FakeTimeProvider();
        var pacer = new WatchPacer(TimeSpan.FromSeconds(1), burst: 2, time);
        var ct = TestContext.Current.CancellationToken;
        Assert.True(pacer.TakeAsync(ct).AsTask().IsCompleted);
        Assert.True(pacer.TakeAsync(ct).AsTask().IsCompleted);

        time.Advance(TimeSpan.FromHours(1));

        Assert.True(pacer.TakeAsync(ct).AsTask().IsCompleted);
        Assert.True(pacer.TakeAsync(ct).AsTask().IsCompleted);
        Assert.False(pacer.TakeAsync(ct).AsTask().IsCompleted);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => new WatchPacer(TimeSpan.Zero, 2, TimeProvider.System)).ParamName);
        Assert.Equal("burst", Assert.Throws<ArgumentOutOfRangeException>(() => new WatchPacer(TimeSpan.FromSeconds(1), 0, TimeProvider.System)).ParamName);
    }
}
