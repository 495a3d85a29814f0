using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class X509BundleTests
{
    private static readonly TrustDomain s_domain = TrustDomain.Parse("example.org");

    [Fact]
    public void Constructor_DuplicateAuthorities_KeepsOneInOrder()
    {
        using var first = TestAuthorities.EcRoot("first");
        using var second = TestAuthorities.RsaRoot("second");
        using var copy = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(first.RawData);

        var bundle = new X509Bundle(s_domain, [first, second, copy]);

        Assert.Equal(s_domain, bundle.TrustDomain);
        Assert.Equal([first, second], bundle.Authorities);
        Assert.True(bundle.ContainsAuthority(copy));
    }

    [Fact]
    public void Constructor_NonCaAuthority_Throws()
    {
        using var leaf = TestAuthorities.EcLeaf("leaf");
        using var noConstraints = TestAuthorities.EcWithoutBasicConstraints("plain");

        var exception = Assert.Throws<ArgumentException>(() => new X509Bundle(s_domain, [leaf]));
        Assert.Contains("not a CA", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new X509Bundle(s_domain, [noConstraints]));
    }

    [Fact]
    public void Constructor_DefaultTrustDomain_Throws()
        => Assert.Throws<ArgumentException>(() => new X509Bundle(default, []));

    [Fact]
    public void ContainsAuthority_OtherCertificateWithSameSubject_False()
    {
        using var root = TestAuthorities.EcRoot("same");
        using var impostor = TestAuthorities.EcRoot("same");
        var bundle = new X509Bundle(s_domain, [root]);

        Assert.False(bundle.ContainsAuthority(impostor));
    }

    [Fact]
    public void ContentEquals_SameSetInOtherOrder_True_OtherDomain_False()
    {
        using var a = TestAuthorities.EcRoot("a");
        using var b = TestAuthorities.EcRoot("b");

        Assert.True(new X509Bundle(s_domain, [a, b]).ContentEquals(new X509Bundle(s_domain, [b, a])));
        Assert.False(new X509Bundle(s_domain, [a]).ContentEquals(new X509Bundle(TrustDomain.Parse("other.org"), [a])));
        Assert.False(new X509Bundle(s_domain, [a]).ContentEquals(new X509Bundle(s_domain, [a, b])));
    }
}
