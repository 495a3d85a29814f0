using System.Security.Cryptography;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class BundleSetTests
{
    private static readonly TrustDomain Local = TrustDomain.Parse("local.example");
    private static readonly TrustDomain Peer = TrustDomain.Parse("peer.example");

    [Fact]
    public void Empty_HasGenerationZeroAndNoTrustDomains()
    {
        Assert.Equal(0, BundleSet.Empty.Generation);
        Assert.Empty(BundleSet.Empty.TrustDomains);
        Assert.False(BundleSet.Empty.TryGetX509Bundle(Local, out _));
        Assert.False(BundleSet.Empty.TryGetJwtBundle(Local, out _));
    }

    [Fact]
    public void With_NewBundle_IncrementsGenerationAndKeepsOldSnapshot()
    {
        using var root = TestAuthorities.EcRoot("local");
        var bundle = new X509Bundle(Local, [root]);

        var next = BundleSet.Empty.With(bundle);

        Assert.Equal(1, next.Generation);
        Assert.True(next.TryGetX509Bundle(Local, out var found));
        Assert.Same(bundle, found);
        Assert.True(next.TryGetGeneration(Local, out var generation));
        Assert.Equal(1, generation);
        Assert.False(BundleSet.Empty.TryGetX509Bundle(Local, out _));
    }

    [Fact]
    public void With_SameContent_ReturnsSameSnapshot()
    {
        using var root = TestAuthorities.EcRoot("local");
        var set = BundleSet.Empty.With(new X509Bundle(Local, [root]));

        Assert.Same(set, set.With(new X509Bundle(Local, [root])));
    }

    [Fact]
    public void With_ReplacesNeverAdds_RemovedAuthorityNoLongerTrusted()
    {
        using var oldRoot = TestAuthorities.EcRoot("old");
        using var newRoot = TestAuthorities.EcRoot("new");
        var set = BundleSet.Empty.With(new X509Bundle(Local, [oldRoot])).With(new X509Bundle(Local, [newRoot]));

        Assert.True(set.TryGetX509Bundle(Local, out var bundle));
        Assert.False(bundle.ContainsAuthority(oldRoot));
        Assert.True(bundle.ContainsAuthority(newRoot));
        Assert.Equal(2, set.Generation);
    }

    [Fact]
    public void TryGetX509Bundle_OtherTrustDomain_NeverSeesForeignAuthorities()
    {
        using var localRoot = TestAuthorities.EcRoot("local");
        using var peerRoot = TestAuthorities.EcRoot("peer");
        var set = BundleSet.Empty.With(new X509Bundle(Local, [localRoot])).With(new X509Bundle(Peer, [peerRoot]));

        Assert.True(set.TryGetX509Bundle(Peer, out var peer));
        Assert.False(peer.ContainsAuthority(localRoot));
        Assert.Equal([Local, Peer], set.TrustDomains);
        Assert.True(set.TryGetGeneration(Local, out var localGeneration));
        Assert.True(set.TryGetGeneration(Peer, out var peerGeneration));
        Assert.Equal(1, localGeneration);
        Assert.Equal(2, peerGeneration);
    }

    [Fact]
    public void TryGetX509Bundle_TrustDomainTakenFromId_Found()
    {
        using var root = TestAuthorities.EcRoot("local");
        var set = BundleSet.Empty.With(new X509Bundle(Local, [root]));

        Assert.True(set.TryGetX509Bundle(SpiffeId.Parse("spiffe://local.example/web").TrustDomain, out _));
    }

    [Fact]
    public void With_JwtBundle_KeepsX509BundleOfSameTrustDomain()
    {
        using var root = TestAuthorities.EcRoot("local");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwt = new JwtBundle(Local, [JwtAuthority.FromECDsa("k1", key.ExportParameters(false))]);

        var set = BundleSet.Empty.With(new X509Bundle(Local, [root])).With(jwt);

        Assert.True(set.TryGetX509Bundle(Local, out _));
        Assert.True(set.TryGetJwtBundle(Local, out var found));
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

        Assert.Throws<ArgumentException>(() => new JwtBundle(Local, [authority, authority]));
    }

    [Fact]
    public void Without_RemovesTrustDomain_AbsentIsNoChange()
    {
        using var root = TestAuthorities.EcRoot("local");
        var set = BundleSet.Empty.With(new X509Bundle(Local, [root]));

        var removed = set.Without(Local);

        Assert.Equal(2, removed.Generation);
        Assert.False(removed.TryGetX509Bundle(Local, out _));
        Assert.Same(removed, removed.Without(Peer));
    }

    [Fact]
    public void ReplaceAll_IsStateOfTheWorld_AbsentRemovedUnchangedKeepGeneration()
    {
        using var localRoot = TestAuthorities.EcRoot("local");
        using var peerRoot = TestAuthorities.EcRoot("peer");
        var local = new SpiffeBundle(new X509Bundle(Local, [localRoot]), new JwtBundle(Local, []));
        var peer = new SpiffeBundle(new X509Bundle(Peer, [peerRoot]), new JwtBundle(Peer, []));
        var set = BundleSet.Empty.With(local).With(peer);

        var replaced = set.ReplaceAll([local]);

        Assert.Equal(3, replaced.Generation);
        Assert.Equal([Local], replaced.TrustDomains);
        Assert.True(replaced.TryGetGeneration(Local, out var generation));
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
