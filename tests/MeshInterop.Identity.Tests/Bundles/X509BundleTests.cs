using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class X509BundleTests
{
    private static readonly TrustDomain Domain = TrustDomain.Parse("example.org");

    [Fact]
    public void Constructor_DuplicateAuthorities_KeepsOneInOrder()
    {
        using var first = TestAuthorities.EcRoot("first");
        using var second = TestAuthorities.RsaRoot("second");
        using var copy = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(first.RawData);

        var bundle = new X509Bundle(Domain, [first, second, copy]);

        Assert.Equal(Domain, bundle.TrustDomain);
        Assert.Equal([first, second], bundle.Authorities);
        Assert.True(bundle.ContainsAuthority(copy));
    }

    [Fact]
    public void Constructor_NonCaAuthority_Throws()
    {
        using var leaf = TestAuthorities.EcLeaf("leaf");
        using var noConstraints = TestAuthorities.EcWithoutBasicConstraints("plain");

        var exception = Assert.Throws<ArgumentException>(() => new X509Bundle(Domain, [leaf]));
        Assert.Contains("not a CA", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new X509Bundle(Domain, [noConstraints]));
    }

    [Fact]
    public void Constructor_DefaultTrustDomain_Throws()
        => Assert.Throws<ArgumentException>(() => new X509Bundle(default, []));

    [Fact]
    public void ContainsAuthority_OtherCertificateWithSameSubject_False()
    {
        using var root = TestAuthorities.EcRoot("same");
        using var impostor = TestAuthorities.EcRoot("same");
        var bundle = new X509Bundle(Domain, [root]);

        Assert.False(bundle.ContainsAuthority(impostor));
    }

    [Fact]
    public void ContentEquals_SameSetInOtherOrder_True_OtherDomain_False()
    {
        using var a = TestAuthorities.EcRoot("a");
        using var b = TestAuthorities.EcRoot("b");

        Assert.True(new X509Bundle(Domain, [a, b]).ContentEquals(new X509Bundle(Domain, [b, a])));
        Assert.False(new X509Bundle(Domain, [a]).ContentEquals(new X509Bundle(TrustDomain.Parse("other.org"), [a])));
        Assert.False(new X509Bundle(Domain, [a]).ContentEquals(new X509Bundle(Domain, [a, b])));
    }

    [Fact]
    public void ParsePem_CertificateBlocks_BecomeAuthoritiesOtherBlocksIgnored()
    {
        using var a = TestAuthorities.EcRoot("a");
        using var b = TestAuthorities.RsaRoot("b");
        var pem = a.ExportCertificatePem() + "\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" + b.ExportCertificatePem();

        var bundle = X509Bundle.ParsePem(Domain, pem);

        Assert.Equal(2, bundle.Authorities.Count);
        Assert.True(bundle.ContainsAuthority(a));
        Assert.True(bundle.ContainsAuthority(b));
    }

    [Fact]
    public void ParsePem_NoCertificateOrLeafOrGarbage_Rejected()
    {
        using var leaf = TestAuthorities.EcLeaf("leaf");

        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParsePem(Domain, "no pem here"));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParsePem(Domain, leaf.ExportCertificatePem()));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParsePem(Domain, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
        Assert.Throws<ArgumentException>(() => X509Bundle.ParsePem(default, string.Empty));
    }

    [Fact]
    public void ParseDer_ConcatenatedCertificates_BecomeAuthorities_EmptyIsEmptyBundle()
    {
        using var a = TestAuthorities.EcRoot("a");
        using var b = TestAuthorities.EcRoot("b");

        var bundle = X509Bundle.ParseDer(Domain, [.. a.RawData, .. b.RawData]);

        Assert.Equal(2, bundle.Authorities.Count);
        Assert.True(bundle.ContainsAuthority(b));
        Assert.Empty(X509Bundle.ParseDer(Domain, []).Authorities);
    }

    [Fact]
    public void ParseDer_TruncatedOrTrailingBytes_Rejected()
    {
        using var a = TestAuthorities.EcRoot("a");

        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParseDer(Domain, a.RawData.AsSpan(0, a.RawData.Length - 1)));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParseDer(Domain, [.. a.RawData, 0x30]));
        Assert.Throws<SpiffeBundleFormatException>(() => X509Bundle.ParseDer(Domain, [0x02, 0x01, 0x00]));
    }
}
