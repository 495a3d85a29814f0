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

    [Fact]
    public void ParsePem_CertificateBlocks_BecomeAuthoritiesOtherBlocksIgnored()
    {
        using var a = TestAuthorities.EcRoot("a");
        using var b = TestAuthorities.RsaRoot("b");
        var pem = a.ExportCertificatePem() + "\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" + b.ExportCertificatePem();

        var bundle = X509Bundle.ParsePem(s_domain, pem);

        Assert.Equal(2, bundle.Authorities.Count);
        Assert.True(bundle.ContainsAuthority(a));
        Assert.True(bundle.ContainsAuthority(b));
    }

    [Fact]
    public void ParsePem_NoCertificateOrLeafOrGarbage_Rejected()
    {
        using var leaf = TestAuthorities.EcLeaf("leaf");

        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParsePem(s_domain, "no pem here"));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParsePem(s_domain, leaf.ExportCertificatePem()));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParsePem(s_domain, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
        Assert.Throws<ArgumentException>(() => X509Bundle.ParsePem(default, string.Empty));
    }

    [Fact]
    public void ParseDer_ConcatenatedCertificates_BecomeAuthorities_EmptyIsEmptyBundle()
    {
        using var a = TestAuthorities.EcRoot("a");
        using var b = TestAuthorities.EcRoot("b");

        var bundle = X509Bundle.ParseDer(s_domain, [.. a.RawData, .. b.RawData]);

        Assert.Equal(2, bundle.Authorities.Count);
        Assert.True(bundle.ContainsAuthority(b));
        Assert.Empty(X509Bundle.ParseDer(s_domain, []).Authorities);
    }

    [Fact]
    public void ParseDer_TruncatedOrTrailingBytes_Rejected()
    {
        using var a = TestAuthorities.EcRoot("a");

        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParseDer(s_domain, a.RawData.AsSpan(0, a.RawData.Length - 1)));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParseDer(s_domain, [.. a.RawData, 0x30]));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParseDer(s_domain, [0x02, 0x01, 0x00]));
    }
}
