
namespace MeshInterop.Identity.Tests.Ids;

public sealed class TrustDomainTests
{
    [Theory]
    [InlineData("example.org", "example.org")]
    [InlineData("spiffe://example.org", "example.org")]
    [InlineData("spiffe://example.org/ns/prod", "example.org")]
    public void Parse_NameOrId_KeepsTrustDomain(string input, string name)
    {
        var trustDomain = TrustDomain.Parse(input);

        Assert.Equal(name, trustDomain.Name);
        Assert.Equal(name, trustDomain.ToString());
        Assert.Equal(SpiffeId.Parse("spiffe://" + name), trustDomain.ToSpiffeId());
    }

    [Theory]
    [InlineData("", SpiffeIdError.MissingTrustDomain, 0)]
    [InlineData("Example.org", SpiffeIdError.BadTrustDomainChar, 0)]
    [InlineData("example.org/x", SpiffeIdError.BadTrustDomainChar, 11)]
    [InlineData("spiffe://example.org/x/", SpiffeIdError.TrailingSlash, 22)]
    [InlineData("http://example.org", SpiffeIdError.WrongScheme, 0)]
    [InlineData("ex%61mple", SpiffeIdError.BadTrustDomainChar, 2)]
    public void TryParse_Invalid_ReportsError(string input, SpiffeIdError error, int index)
    {
        Assert.False(TrustDomain.TryParse(input, SpiffeIdParseOptions.Strict, out var trustDomain, out var actual, out var actualIndex));
        Assert.True(trustDomain.IsEmpty);
        Assert.Equal(error, actual);
        Assert.Equal(index, actualIndex);
    }

    [Fact]
    public void Parse_ID10_NameOver255Bytes_Rejected()
    {
        Assert.False(TrustDomain.TryParse(new string('a', 256), SpiffeIdParseOptions.AllowOverlongId, out _, out var error, out var index));
        Assert.Equal(SpiffeIdError.TrustDomainTooLong, error);
        Assert.Equal(255, index);
    }

    [Fact]
    public void Parse_ID11_LenientFoldsAsciiOnly()
    {
        Assert.Equal("example.org", TrustDomain.Parse("EXAMPLE.org", SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain).Name);
        Assert.Equal("example.org", TrustDomain.Parse("SPIFFE://EXAMPLE.org/Web", SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain).Name);
        Assert.Equal("example.org", TrustDomain.Parse("EXAMPLE.org"u8, SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain).Name);
        Assert.Throws<SpiffeIdFormatException>(() => TrustDomain.Parse("\u212Aexample.org", SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain));
    }

    [Fact]
    public void Equality_FromIdAndFromName_AreEqualWithSameHash()
    {
        var fromId = SpiffeId.Parse("spiffe://example.org/web").TrustDomain;
        var fromName = TrustDomain.Parse("example.org");

        Assert.Equal(fromName, fromId);
        Assert.Equal(fromName.GetHashCode(), fromId.GetHashCode());
        Assert.NotEqual(default, fromName);
        Assert.Equal(default(TrustDomain), default);
    }
}
