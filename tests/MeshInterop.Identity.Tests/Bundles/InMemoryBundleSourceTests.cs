using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class InMemoryBundleSourceTests
{
    private static readonly TrustDomain Domain = TrustDomain.Parse("example.org");

    [Fact(Timeout = 10_000)]
    public async Task WaitForChangeAsync_AfterSet_CompletesWithNewSnapshot()
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = TestAuthorities.EcRoot("root");
        var source = new InMemoryBundleSource();
        var known = source.Current.Generation;
        var wait = source.WaitForChangeAsync(known, ct);
        Assert.False(wait.IsCompleted);

        var published = source.Set(new X509Bundle(Domain, [root]));

        Assert.Same(published, await wait);
        Assert.Same(published, source.Current);
    }

    [Fact]
    public async Task WaitForChangeAsync_AlreadyNewer_CompletesAtOnce()
    {
        using var root = TestAuthorities.EcRoot("root");
        var source = new InMemoryBundleSource();
        source.Set(new X509Bundle(Domain, [root]));

        var wait = source.WaitForChangeAsync(0, TestContext.Current.CancellationToken);

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal(1, (await wait).Generation);
    }

    [Fact]
    public async Task WaitForChangeAsync_Cancelled_Throws()
    {
        var source = new InMemoryBundleSource();
        using var cancellation = new CancellationTokenSource();
        var wait = source.WaitForChangeAsync(0, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void Update_NoChange_PublishesNothing()
    {
        var source = new InMemoryBundleSource();

        Assert.Same(BundleSet.Empty, source.Remove(Domain));
        Assert.Equal(0, source.Current.Generation);
    }

    [Fact]
    public void Update_SnapshotNotDerivedFromCurrent_Throws()
    {
        using var root = TestAuthorities.EcRoot("root");
        var source = new InMemoryBundleSource();
        source.Set(new X509Bundle(Domain, [root]));

        var unrelated = BundleSet.Empty.With(new X509Bundle(TrustDomain.Parse("other.org"), [root]));

        Assert.Throws<InvalidOperationException>(() => source.Update(_ => unrelated));
    }

    [Fact(Timeout = 30_000)]
    public async Task Update_ConcurrentWriters_NoUpdateLost()
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = TestAuthorities.EcRoot("root");
        var source = new InMemoryBundleSource();
        var domains = Enumerable.Range(0, 64).Select(i => TrustDomain.Parse($"td{i}.example")).ToArray();

        await Parallel.ForEachAsync(domains, ct, (domain, _) =>
        {
            source.Set(new X509Bundle(domain, [root]));
            return ValueTask.CompletedTask;
        });

        Assert.Equal(64, source.Current.Generation);
        Assert.Equal(64, source.Current.TrustDomains.Count);
    }
}
