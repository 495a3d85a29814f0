using System.Text;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class SpiffeBundleMapTests
{
    private static readonly TrustDomain A = TrustDomain.Parse("a.example");
    private static readonly TrustDomain B = TrustDomain.Parse("b.example");

    [Fact]
    public void Parse_EmptyTrustDomains_Valid()
        => Assert.Empty(Parse("""{"trust_domains":{}}""").Bundles);

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"trust_domains":[]}""")]
    [InlineData("""{"trust_domains":null}""")]
    [InlineData("""[]""")]
    public void Parse_TrustDomainsMissingOrNotObject_Rejected(string json)
        => Assert.Throws<SpiffeBundleFormatException>(() => Parse(json));

    [Fact]
    public void Parse_TwoTrustDomains_EachWithItsOwnAuthorities()
    {
        using var rootA = TestAuthorities.EcRoot("a");
        using var rootB = TestAuthorities.EcRoot("b");
        var json = "{\"trust_domains\":{\"a.example\":" + SpiffeBundleTests.Document(SpiffeBundleTests.X509Entry(rootA))
            + ",\"b.example\":" + SpiffeBundleTests.Document(SpiffeBundleTests.X509Entry(rootB)) + "}}";

        var map = Parse(json);

        Assert.True(map.Bundles[A].X509Bundle.ContainsAuthority(rootA));
        Assert.False(map.Bundles[A].X509Bundle.ContainsAuthority(rootB));
        Assert.True(map.Bundles[B].X509Bundle.ContainsAuthority(rootB));
    }

    [Fact]
    public void Parse_DuplicateTrustDomainKeys_Rejected()
    {
        var exception = Assert.Throws<SpiffeBundleFormatException>(() => Parse("""{"trust_domains":{"a.example":{"keys":[]},"a.example":{"keys":[]}}}"""));

        Assert.Contains("duplicate", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("spiffe://a.example")]
    [InlineData("A.example")]
    [InlineData("a.example/x")]
    [InlineData("")]
    public void Parse_KeyNotABareStrictTrustDomainName_WholeMapRejected(string key)
        => Assert.Throws<SpiffeBundleFormatException>(() => Parse("{\"trust_domains\":{\"b.example\":{\"keys\":[]},\"" + key + "\":{\"keys\":[]}}}"));

    [Fact]
    public void Parse_OneInvalidBundle_WholeMapRejected()
    {
        var exception = Assert.Throws<SpiffeBundleFormatException>(() => Parse("""{"trust_domains":{"a.example":{"keys":[]},"b.example":{}}}"""));

        Assert.Contains("b.example", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_IsStateOfTheWorld_AbsentTrustDomainsRemoved()
    {
        using var rootA = TestAuthorities.EcRoot("a");
        using var rootB = TestAuthorities.EcRoot("b");
        var current = BundleSet.Empty
            .With(new X509Bundle(A, [rootA]))
            .With(new X509Bundle(B, [rootB]));

        var next = Parse("""{"trust_domains":{"a.example":{"keys":[]}}}""").ApplyTo(current);

        Assert.Equal([A], next.TrustDomains);
        Assert.True(next.TryGetX509Bundle(A, out var bundle));
        Assert.Empty(bundle.Authorities);
    }

    [Fact]
    public void WriteTo_ThenParse_RoundTrips()
    {
        using var rootA = TestAuthorities.RsaRoot("a");
        var map = new SpiffeBundleMap([
            new SpiffeBundle(new X509Bundle(B, []), new JwtBundle(B, []), 3),
            new SpiffeBundle(new X509Bundle(A, [rootA]), new JwtBundle(A, [])),
        ]);

        var json = map.ToUtf8Json();
        var parsed = SpiffeBundleMap.Parse(json);

        Assert.StartsWith("{\"trust_domains\":{\"a.example\":", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        Assert.True(parsed.Bundles[A].X509Bundle.ContentEquals(map.Bundles[A].X509Bundle));
        Assert.Equal(3UL, parsed.Bundles[B].SequenceNumber);
        Assert.Equal(json, parsed.ToUtf8Json());
    }

    private static SpiffeBundleMap Parse(string json) => SpiffeBundleMap.Parse(Encoding.UTF8.GetBytes(json));
}
