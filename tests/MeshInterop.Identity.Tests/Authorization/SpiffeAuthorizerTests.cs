using MeshInterop.Identity.Authorization;

namespace MeshInterop.Identity.Tests.Authorization;

public sealed class SpiffeAuthorizerTests
{
    private static readonly SpiffeId Web = SpiffeId.Parse("spiffe://example.org/ns/prod/sa/web");
    private static readonly SpiffeId ForeignWeb = SpiffeId.Parse("spiffe://evil.example/ns/prod/sa/web");
    private static readonly TrustDomain Domain = TrustDomain.Parse("example.org");

    [Fact]
    public void Any_AllowsEveryId()
    {
        Assert.True(SpiffeAuthorizer.Any.Authorize(Web).IsAuthorized);
        Assert.True(SpiffeAuthorizer.Any.Authorize(ForeignWeb).IsAuthorized);
    }

    [Fact]
    public void None_DeniesWithReason()
    {
        var result = SpiffeAuthorizer.None.Authorize(Web);

        Assert.False(result.IsAuthorized);
        Assert.Equal("unexpected ID \"spiffe://example.org/ns/prod/sa/web\"", result.Reason);
    }

    [Fact]
    public void Exact_SameId_Allowed_OtherDenied()
    {
        var authorizer = SpiffeAuthorizer.Exact(Web);

        Assert.Equal(SpiffeAuthorizationResult.Authorized, authorizer.Authorize(SpiffeId.Parse("spiffe://example.org/ns/prod/sa/web")));
        Assert.Equal("unexpected ID \"spiffe://example.org/ns/prod/sa/web/x\"", authorizer.Authorize(Web.AppendSegments("x")).Reason);
        Assert.False(authorizer.Authorize(SpiffeId.Parse("spiffe://example.org/ns/prod/sa/Web")).IsAuthorized);
    }

    [Fact]
    public void Exact_TrustDomainId_MatchesOnlyItself()
    {
        var authorizer = SpiffeAuthorizer.Exact(Domain.ToSpiffeId());

        Assert.True(authorizer.Authorize(SpiffeId.Parse("spiffe://example.org")).IsAuthorized);
        Assert.False(authorizer.Authorize(Web).IsAuthorized);
    }

    [Fact]
    public void ID12_SamePathInForeignTrustDomain_Denied()
    {
        Assert.False(SpiffeAuthorizer.Exact(Web).Authorize(ForeignWeb).IsAuthorized);
        Assert.False(SpiffeAuthorizer.PathPrefix(Domain, "/ns/prod").Authorize(ForeignWeb).IsAuthorized);
        Assert.Equal("unexpected trust domain \"evil.example\"", SpiffeAuthorizer.MemberOf(Domain).Authorize(ForeignWeb).Reason);
    }

    [Fact]
    public void OneOf_AnyListed_Allowed()
    {
        var other = SpiffeId.Parse("spiffe://example.org/db");
        var authorizer = SpiffeAuthorizer.OneOf([Web, other]);

        Assert.True(authorizer.Authorize(other).IsAuthorized);
        Assert.True(authorizer.Authorize(Web).IsAuthorized);
        Assert.False(authorizer.Authorize(SpiffeId.Parse("spiffe://example.org/cache")).IsAuthorized);
    }

    [Fact]
    public void OneOf_Empty_Throws()
        => Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.OneOf([]));

    [Fact]
    public void MemberOfAny_ListedTrustDomains_Allowed()
    {
        var authorizer = SpiffeAuthorizer.MemberOfAny([Domain, TrustDomain.Parse("partner.example")]);

        Assert.True(authorizer.Authorize(Web).IsAuthorized);
        Assert.True(authorizer.Authorize(SpiffeId.Parse("spiffe://partner.example/x")).IsAuthorized);
        Assert.Equal("unexpected trust domain \"evil.example\"", authorizer.Authorize(ForeignWeb).Reason);
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.MemberOfAny([]));
    }

    [Theory]
    [InlineData("spiffe://example.org/ns/a", true)]
    [InlineData("spiffe://example.org/ns/a/x", true)]
    [InlineData("spiffe://example.org/ns/a/x/y", true)]
    [InlineData("spiffe://example.org/ns/ab", false)]
    [InlineData("spiffe://example.org/ns/A", false)]
    [InlineData("spiffe://example.org/ns", false)]
    [InlineData("spiffe://example.org", false)]
    [InlineData("spiffe://other.org/ns/a", false)]
    public void PathPrefix_IsSegmentAwareAndCaseSensitive(string id, bool allowed)
        => Assert.Equal(allowed, SpiffeAuthorizer.PathPrefix(Domain, "/ns/a").Authorize(SpiffeId.Parse(id)).IsAuthorized);

    [Theory]
    [InlineData("/ns/a/", SpiffeIdError.TrailingSlash)]
    [InlineData("ns/a", SpiffeIdError.NoLeadingSlash)]
    [InlineData("/ns//a", SpiffeIdError.EmptySegment)]
    [InlineData("/ns/../a", SpiffeIdError.DotSegment)]
    public void PathPrefix_InvalidPrefix_Throws(string prefix, SpiffeIdError error)
        => Assert.Equal(error, Assert.Throws<SpiffeIdFormatException>(() => SpiffeAuthorizer.PathPrefix(Domain, prefix)).Error);

    [Fact]
    public void PathPrefix_EmptyPrefix_Throws()
        => Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.PathPrefix(Domain, string.Empty));

    [Fact]
    public void And_ReportsFirstDenial()
    {
        var authorizer = SpiffeAuthorizer.And(SpiffeAuthorizer.MemberOf(Domain), SpiffeAuthorizer.PathPrefix(Domain, "/ns/dev"));

        Assert.Equal("unexpected trust domain \"evil.example\"", authorizer.Authorize(ForeignWeb).Reason);
        Assert.Equal($"unexpected ID \"{Web}\"", authorizer.Authorize(Web).Reason);
        Assert.True(authorizer.Authorize(SpiffeId.Parse("spiffe://example.org/ns/dev/x")).IsAuthorized);
    }

    [Fact]
    public void Or_AllowsWhenAnyAllows_DenialKeepsEveryReason()
    {
        var authorizer = SpiffeAuthorizer.Or(SpiffeAuthorizer.MemberOf(TrustDomain.Parse("partner.example")), SpiffeAuthorizer.Exact(Web));

        Assert.True(authorizer.Authorize(Web).IsAuthorized);
        Assert.Equal(
            $"unexpected trust domain \"evil.example\"; unexpected ID \"{ForeignWeb}\"",
            authorizer.Authorize(ForeignWeb).Reason);
    }

    [Fact]
    public void Predicate_DeniesWithUnexpectedId()
    {
        var authorizer = SpiffeAuthorizer.Predicate(id => id.Path.EndsWith("/web", StringComparison.Ordinal), "ends with /web");

        Assert.True(authorizer.Authorize(Web).IsAuthorized);
        Assert.Equal("unexpected ID \"spiffe://example.org/db\"", authorizer.Authorize(SpiffeId.Parse("spiffe://example.org/db")).Reason);
        Assert.Equal("Predicate(ends with /web)", authorizer.ToString());
    }

    [Fact]
    public void DefaultArguments_RejectedAtConstruction()
    {
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.Exact(default));
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.OneOf([Web, default]));
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.MemberOf(default));
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.MemberOfAny([default]));
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.PathPrefix(default, "/x"));
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.And());
        Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.Or(SpiffeAuthorizer.Any, null!));
    }

    [Fact]
    public void Authorize_DefaultId_Throws()
        => Assert.Throws<ArgumentException>(() => SpiffeAuthorizer.Any.Authorize(default));

    [Fact]
    public void ToString_DescribesPolicy()
    {
        var authorizer = SpiffeAuthorizer.And(SpiffeAuthorizer.MemberOfAny([TrustDomain.Parse("b.org"), TrustDomain.Parse("a.org")]), SpiffeAuthorizer.PathPrefix(Domain, "/ns"));

        Assert.Equal("And(MemberOf(a.org, b.org), PathPrefix(example.org, /ns))", authorizer.ToString());
    }
}
