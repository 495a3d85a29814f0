using System.Security.Cryptography;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class BundleSetTests
{
    private static readonly TrustDomain s_local = TrustDomain.Parse("local.example");
    private static readonly TrustDomain s_peer = TrustDomain.Parse("peer.example");

    [Fact]
    public void Empty_HasGenerationZeroAndNoTrustDomains()
    {
        Assert.Equal(0, BundleSet.Empty.Generation);
        Assert.Empty(BundleSet.Empty.TrustDomains);
        Assert.False(BundleSet.Empty.TryGetX509Bundle(s_local, out _));
        Assert.False(BundleSet.Empty.TryGetJwtBundle(s_local, out _));
    }

    [Fact]
    public void With_NewBundle_IncrementsGenerationAndKeepsOldSnapshot()
    {
        using var root = TestAuthorities.EcRoot("local");
        var bundle = new X509Bundle(s_local, [root]);

        var next = BundleSet.Empty.With(bundle);

        Assert.Equal(1, next.Generation);
        Assert.True(next.TryGetX509Bundle(s_local, out var found));
        Assert.Same(bundle, found);
        Assert.True(next.TryGetGeneration(s_local, out var generation));
        Assert.Equal(1, generation);
        Assert.False(BundleSet.Empty.TryGetX509Bundle(s_local, out _));
    }

    [Fact]
    public void With_SameContent_ReturnsSameSnapshot()
    {
        using var root = TestAuthorities.EcRoot("local");
        var set = BundleSet.Empty.With(new X509Bundle(s_local, [root]));

        Assert.Same(set, set.With(new X509Bundle(s_local, [root])));
    }

    [Fact]
    public void With_ReplacesNeverAdds_RemovedAuthorityNoLongerTrusted()
    {
        using var oldRoot = TestAuthorities.EcRoot("old");
        using var newRoot = TestAuthorities.EcRoot("new");
        var set = BundleSet.Empty.With(new X509Bundle(s_local, [oldRoot])).With(new X509Bundle(s_local, [newRoot]));

        Assert.True(set.TryGetX509Bundle(s_local, out var bundle));
        Assert.False(bundle.ContainsAuthority(oldRoot));
        Assert.True(bundle.ContainsAuthority(newRoot));
        Assert.Equal(2, set.Generation);
    }

    [Fact]
    public void TryGetX509Bundle_OtherTrustDomain_NeverSeesForeignAuthorities()
    {
        using var localRoot = TestAuthorities.EcRoot("local");
        using var peerRoot = TestAuthorities.EcRoot("peer");
        var set = BundleSet.Empty.With(new X509Bundle(s_local, [localRoot])).With(new X509Bundle(s_peer, [peerRoot]));

        Assert.True(set.TryGetX509Bundle(s_peer, out var peer));
        Assert.False(peer.ContainsAuthority(localRoot));
        Assert.Equal([s_local, s_peer], set.TrustDomains);
        Assert.True(set.TryGetGeneration(s_local, out var localGeneration));
        Assert.True(set.TryGetGeneration(s_peer, out var peerGeneration));
        Assert.Equal(1, localGeneration);
        Assert.Equal(2, peerGeneration);
    }

    [Fact]
    public void TryGetX509Bundle_TrustDomainTakenFromId_Found()
    {
        using var root = TestAuthorities.EcRoot("local");
        var set = BundleSet.Empty.With(new X509Bundle(s_local, [root]));

        Assert.True(set.TryGetX509Bundle(SpiffeId.Parse("spiffe://local.example/web").TrustDomain, out _));
    }

    [Fact]
    public void With_JwtBundle_KeepsX509BundleOfSameTrustDomain()
    {
        using var root = TestAuthorities.EcRoot("local");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwt = new JwtBundle(s_local, [JwtAuthority.FromECDsa("k1", key.ExportParameters(false))]);

        var set = BundleSet.Empty.With(new X509Bundle(s_local, [root])).With(jwt);

        Assert.True(set.TryGetX509Bundle(s_local, out _));
        Assert.True(set.TryGetJwtBundle(s_local, out var found));
        Assert.True(found.TryGetAuthority("k1", out _));
        Assert.Equal(2, set.Generation);
    }

    [Fact]
    public void JwtAuthority_FromECDsa_PointOffCurveOrUnsupportedCurve_Throws()
    {
        var coordinate = Enumerable.Repeat((byte)1, 32).ToArray();
        var offCurve = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = coordinate, Y = coordinate } };
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);

        Assert.Throws<ArgumentException>(() => JwtAuthority.FromECDsa("k", offCurve));
        Assert.Throws<ArgumentException>(() => JwtAuthority.FromECDsa("k", brainpool.ExportParameters(false)));
        Assert.Throws<ArgumentException>(() => JwtAuthority.FromRsa("k", default));
    }

    [Fact]
    public void JwtBundle_DuplicateKeyId_Throws()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authority = JwtAuthority.FromECDsa("same", key.ExportParameters(false));

        Assert.Throws<ArgumentException>(() => new JwtBundle(s_local, [authority, authority]));
    }

    [Fact]
    public void Without_RemovesTrustDomain_AbsentIsNoChange()
    {
        using var root = TestAuthorities.EcRoot("local");
        var set = BundleSet.Empty.With(new X509Bundle(s_local, [root]));

        var removed = set.Without(s_local);

        Assert.Equal(2, removed.Generation);
        Assert.False(removed.TryGetX509Bundle(s_local, out _));
        Assert.Same(removed, removed.Without(s_peer));
    }

    [Fact]
    public void ReplaceAll_IsStateOfTheWorld_AbsentRemovedUnchangedKeepGeneration()
    {
        using var localRoot = TestAuthorities.EcRoot("local");
        using var peerRoot = TestAuthorities.EcRoot("peer");
        var local = new SpiffeBundle(new X509Bundle(s_local, [localRoot]), new JwtBundle(s_local, []));
        var peer = new SpiffeBundle(new X509Bundle(s_peer, [peerRoot]), new JwtBundle(s_peer, []));
        var set = BundleSet.Empty.With(local).With(peer);

        var replaced = set.ReplaceAll([local]);

        Assert.Equal(3, replaced.Generation);
        Assert.Equal([s_local], replaced.TrustDomains);
        Assert.True(replaced.TryGetGeneration(s_local, out var generation));
        Assert.Equal(1, generation);
        Assert.Same(replaced, replaced.ReplaceAll([local]));
    }

    [Fact]
    public void DefaultTrustDomain_RejectedEverywhere()
    {
        Assert.Throws<ArgumentException>(() => BundleSet.Empty.TryGetX509Bundle(default, out _));
        Assert.Throws<ArgumentException>(() => BundleSet.Empty.TryGetJwtBundle(default, out _));
        Assert.Throws<ArgumentException>(() => BundleSet.Empty.TryGetGeneration(default, out _));
        Assert.Throws<ArgumentException>(() => BundleSet.Empty.Without(default));
        Assert.Throws<ArgumentException>(() => new JwtBundle(default, []));
    }
}
