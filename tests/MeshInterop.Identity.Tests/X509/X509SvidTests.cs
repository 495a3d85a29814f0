using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;

namespace MeshInterop.Identity.Tests.X509;

public sealed class X509SvidTests
{
    [Fact]
    public void LoadPem_LeafChainAndPkcs8Key_LoadsIdAndIntermediates()
    {
        var minted = TestTrustDomains.ExampleIntermediate.IssueSvid("/web");

        using var svid = X509Svid.LoadPem(minted.ChainPem, minted.PrivateKeyPem);

        Assert.Equal("spiffe://example.org/web", svid.SpiffeId.ToString());
        Assert.True(svid.Certificate.HasPrivateKey);
        Assert.Equal(TestTrustDomains.ExampleIntermediate.Certificate.RawData, Assert.Single(svid.Intermediates).RawData);
        Assert.Equal(new DateTimeOffset(minted.Leaf.NotAfter), svid.NotAfter);
    }

    [Fact]
    public void LoadPem_KeyOfAnotherCertificate_ThrowsInvalidPrivateKey()
    {
        var minted = TestTrustDomains.ExampleRoot.IssueSvid("/web");
        var other = TestTrustDomains.ExampleRoot.IssueSvid("/other");

        var ex = Assert.Throws<X509SvidLoadException>(() => X509Svid.LoadPem(minted.ChainPem, other.PrivateKeyPem));

        Assert.Equal(X509SvidFailure.InvalidPrivateKey, ex.Failure);
    }

    [Fact]
    public void LoadPem_EncryptedKey_ThrowsInvalidPrivateKey()
    {
        var minted = TestTrustDomains.ExampleRoot.IssueSvid("/web");

        var ex = Assert.Throws<X509SvidLoadException>(() => X509Svid.LoadPem(minted.ChainPem, TestPem.EncryptedPrivateKey(minted.Leaf, "secret")));

        Assert.Equal(X509SvidFailure.InvalidPrivateKey, ex.Failure);
        Assert.Contains("encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPem_NoCertificateBlock_ThrowsEmptyChain()
    {
        var minted = TestTrustDomains.ExampleRoot.IssueSvid("/web");

        Assert.Equal(X509SvidFailure.EmptyChain, Assert.Throws<X509SvidLoadException>(() => X509Svid.LoadPem("nothing here", minted.PrivateKeyPem)).Failure);
    }

    [Fact]
    public void X3_LoadPem_RootPathLeaf_ThrowsRootPathId()
    {
        var minted = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org"] });

        Assert.Equal(X509SvidFailure.RootPathId, Assert.Throws<X509SvidLoadException>(() => X509Svid.LoadPem(minted.ChainPem, minted.PrivateKeyPem)).Failure);
    }

    [Fact]
    public void X4_Create_CaCertificateAsLeaf_ThrowsLeafIsCa()
    {
        var minted = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions
        {
            UriSans = ["spiffe://example.org/web"],
            CertificateAuthority = true,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
        });

        Assert.Equal(X509SvidFailure.LeafIsCa, Assert.Throws<X509SvidLoadException>(() => X509Svid.Create(minted.Leaf)).Failure);
    }

    [Fact]
    public void Create_NonCaIntermediate_ThrowsIntermediateNotCa()
    {
        var minted = TestTrustDomains.ExampleRoot.IssueSvid("/web");
        var notCa = TestTrustDomains.ExampleRoot.IssueSvid("/other").Leaf;

        var ex = Assert.Throws<X509SvidLoadException>(() => X509Svid.Create(minted.Leaf, [notCa]));

        Assert.Equal(X509SvidFailure.IntermediateNotCa, ex.Failure);
    }

    [Fact]
    public void Create_LeafWithoutPrivateKey_ThrowsInvalidPrivateKey()
    {
        var minted = TestTrustDomains.ExampleRoot.IssueSvid("/web");
        using var publicOnly = X509CertificateLoader.LoadCertificate(minted.Leaf.RawData);

        Assert.Equal(X509SvidFailure.InvalidPrivateKey, Assert.Throws<X509SvidLoadException>(() => X509Svid.Create(publicOnly)).Failure);
    }

    [Fact]
    public void LoadPkcs12_UnorderedBag_OrdersIntermediatesLeafFirst()
    {
        var intermediate2 = TestTrustDomains.ExampleIntermediate.CreateIntermediate();
        var minted = intermediate2.IssueSvid("/deep");

        using var svid = X509Svid.LoadPkcs12(minted.ExportPkcs12("pw"), "pw");

        Assert.Equal("spiffe://example.org/deep", svid.SpiffeId.ToString());
        Assert.Equal([intermediate2.Certificate.RawData, TestTrustDomains.ExampleIntermediate.Certificate.RawData], svid.Intermediates.Select(c => c.RawData));
    }

    [Fact]
    public void LoadPkcs12_WrongPassword_ThrowsMalformedCertificate()
    {
        var minted = TestTrustDomains.ExampleRoot.IssueSvid("/web");

        Assert.Equal(X509SvidFailure.MalformedCertificate, Assert.Throws<X509SvidLoadException>(() => X509Svid.LoadPkcs12(minted.ExportPkcs12("pw"), "wrong")).Failure);
    }

    [Fact]
    public void LoadPem_RsaSvid_Loads()
    {
        var minted = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/rsa"], Key = TestKeyType.Rsa2048 });

        using var svid = X509Svid.LoadPem(minted.ChainPem, minted.PrivateKeyPem);

        Assert.NotNull(svid.Certificate.GetRSAPrivateKey());
    }
}
