using MeshInterop.Protocol.Internal;

namespace MeshInterop.Protocol.Tests.Internal;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void NextDelay_WithoutJitter_DoublesFromOneSecondToTheCap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), () => 0);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.NextDelay().TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
    }

    [Fact]
    public void NextDelay_WithMaximumJitter_AddsTwentyPercentAndNeverGoesBelowTheSchedule()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), () => 0.999999);

        Assert.InRange(backoff.NextDelay().TotalSeconds, 1.0, 1.2);
        Assert.InRange(backoff.NextDelay().TotalSeconds, 2.0, 2.4);
    }

    [Fact]
    public void Reset_StartsTheScheduleAgain()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), () => 0);
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay());
        Assert.Equal(1, backoff.Failures);
    }

    [Fact]
    public void NextDelay_AfterManyFailures_DoesNotOverflow()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), () => 0);
        for (var i = 0; i < 1_000; i++)
        {
            backoff.NextDelay();
        }

        Assert.Equal(TimeSpan.FromSeconds(60), backoff.NextDelay());
    }

    [Fact]
    public void Constructor_ZeroInitialDelay_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1), () => 0));
    }
}
