using System.Text;
using MeshInterop.Identity.Internal;
using MeshInterop.Testing.Pki;

namespace MeshInterop.Identity.Tests.X509;

public sealed class UriSanReaderTests
{
    [Fact]
    public void X1_TryReadSingle_OneSpiffeUri_ReturnsRawBytes()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/%61dmin"], DnsNames = ["web.example.org"] });

        Assert.Equal(UriSanStatus.One, UriSanReader.TryReadSingle(svid.Leaf, out var uri, out _));
        Assert.Equal("spiffe://example.org/%61dmin", Encoding.ASCII.GetString(uri.Span));   // never decoded
    }

    [Fact]
    public void X1_TryReadSingle_SpiffeAndHttpsUris_CountsEveryScheme()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web", "https://example.org/"] });

        Assert.Equal(UriSanStatus.Multiple, UriSanReader.TryReadSingle(svid.Leaf, out _, out _));
    }

    [Fact]
    public void X1_TryReadSingle_OnlyDnsNames_ReturnsNone()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { DnsNames = ["web.example.org"] });

        Assert.Equal(UriSanStatus.None, UriSanReader.TryReadSingle(svid.Leaf, out _, out _));
    }

    [Fact]
    public void X1_TryReadSingle_NoSanExtension_ReturnsNone()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { OmitSubjectAlternativeName = true });

        Assert.Equal(UriSanStatus.None, UriSanReader.TryReadSingle(svid.Leaf, out _, out _));
    }

    [Fact]
    public void X1_TryReadSingle_DuplicateSanExtension_ReturnsMalformed()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], DuplicateSubjectAlternativeName = true });

        Assert.Equal(UriSanStatus.Malformed, UriSanReader.TryReadSingle(svid.Leaf, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x03, 0x86, 0x05, 0x61 })]            // length runs past the end
    [InlineData(new byte[] { 0x30, 0x02, 0x86, 0x00, 0x00 })]            // trailing data after GeneralNames
    [InlineData(new byte[] { 0x04, 0x00 })]                              // not a SEQUENCE
    [InlineData(new byte[] { 0x30, 0x04, 0xA6, 0x02, 0x04, 0x00 })]      // constructed [6] is not DER
    public void X1_ReadSingle_MalformedGeneralNames_ReturnsMalformed(byte[] der)
    {
        Assert.Equal(UriSanStatus.Malformed, UriSanReader.ReadSingle(der, out _));
    }
}
