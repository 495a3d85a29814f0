using MeshInterop.Identity.Internal;
using MeshInterop.Identity.X509;

namespace MeshInterop.Identity.Tests.X509;

public sealed class VerificationCacheTests
{
    [Fact]
    public void TryGet_SameBucketDifferentBytes_Misses()
    {
        var stored = TestTrustDomains.ExampleRoot.IssueSvid("/a").Leaf;
        var other = TestTrustDomains.ExampleRoot.IssueSvid("/b").Leaf;
        var cache = new VerificationCache(4);
        var key = VerificationKey.Create(stored, [], generation: 1);
        var result = X509SvidValidationResult.Success(SpiffeId.Parse("spiffe://example.org/a"), [], DateTimeOffset.MaxValue);
        cache.Add(key, new VerificationEntry(result, default, stored, []));

        // A forged key collision must never hand out another certificate's verdict.
        Assert.False(cache.TryGet(key, other, [], DateTimeOffset.UnixEpoch, out _));
        Assert.True(cache.TryGet(key, stored, [], DateTimeOffset.UnixEpoch, out var hit));
        Assert.Same(result, hit!.Result);
    }

    [Fact]
    public void TryGet_OtherGeneration_Misses()
    {
        var leaf = TestTrustDomains.ExampleRoot.IssueSvid("/a").Leaf;
        var cache = new VerificationCache(4);
        var result = X509SvidValidationResult.Success(SpiffeId.Parse("spiffe://example.org/a"), [], DateTimeOffset.MaxValue);
        cache.Add(VerificationKey.Create(leaf, [], generation: 1), new VerificationEntry(result, default, leaf, []));

        Assert.False(cache.TryGet(VerificationKey.Create(leaf, [], generation: 2), leaf, [], DateTimeOffset.UnixEpoch, out _));
    }
}
