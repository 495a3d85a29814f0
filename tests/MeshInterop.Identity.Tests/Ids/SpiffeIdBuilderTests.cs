namespace MeshInterop.Identity.Tests.Ids;

public sealed class SpiffeIdBuilderTests
{
    private static readonly TrustDomain Domain = TrustDomain.Parse("example.org");

    [Theory]
    [InlineData("", "spiffe://example.org")]
    [InlineData("/ns/prod", "spiffe://example.org/ns/prod")]
    [InlineData("/.x/..y/...", "spiffe://example.org/.x/..y/...")]
    public void FromPath_ValidPath_BuildsCanonicalId(string path, string expected)
        => Assert.Equal(expected, SpiffeId.FromPath(Domain, path).ToString());

    [Theory]
    [InlineData("ns", SpiffeIdError.NoLeadingSlash, 0)]
    [InlineData("/", SpiffeIdError.TrailingSlash, 0)]
    [InlineData("/ns/", SpiffeIdError.TrailingSlash, 3)]
    [InlineData("//ns", SpiffeIdError.EmptySegment, 1)]
    [InlineData("/ns/./x", SpiffeIdError.DotSegment, 4)]
    [InlineData("/ns/..", SpiffeIdError.DotSegment, 4)]
    [InlineData("/n%73", SpiffeIdError.BadPathSegmentChar, 2)]
    [InlineData("/ns?x", SpiffeIdError.BadPathSegmentChar, 3)]
    public void FromPath_InvalidPath_ThrowsWithErrorAndIndex(string path, SpiffeIdError error, int index)
    {
        var exception = Assert.Throws<SpiffeIdFormatException>(() => SpiffeId.FromPath(Domain, path));

        Assert.Equal(error, exception.Error);
        Assert.Equal(index, exception.Index);
        Assert.Equal(error, SpiffeId.ValidatePath(path));
    }

    [Fact]
    public void FromSegments_NoSegments_IsTrustDomainId()
    {
        var id = SpiffeId.FromSegments(Domain);

        Assert.True(id.IsRootPath);
        Assert.Equal(Domain.ToSpiffeId(), id);
    }

    [Theory]
    [InlineData("", SpiffeIdError.EmptySegment)]
    [InlineData(".", SpiffeIdError.DotSegment)]
    [InlineData("..", SpiffeIdError.DotSegment)]
    [InlineData("a/b", SpiffeIdError.BadPathSegmentChar)]
    [InlineData("a%2F", SpiffeIdError.BadPathSegmentChar)]
    [InlineData("caf\u00e9", SpiffeIdError.BadPathSegmentChar)]
    public void FromSegments_InvalidSegment_Throws(string segment, SpiffeIdError error)
    {
        Assert.Equal(error, Assert.Throws<SpiffeIdFormatException>(() => SpiffeId.FromSegments(Domain, "ok", segment)).Error);
        Assert.Equal(error, SpiffeId.ValidatePathSegment(segment));
    }

    [Fact]
    public void AppendAndReplace_KeepTrustDomain()
    {
        var id = SpiffeId.Parse("spiffe://example.org/ns/prod");

        Assert.Equal("spiffe://example.org/ns/prod/sa/web", id.AppendPath("/sa/web").ToString());
        Assert.Equal("spiffe://example.org/ns/prod/sa/web", id.AppendSegments("sa", "web").ToString());
        Assert.Equal("spiffe://example.org/db", id.ReplacePath("/db").ToString());
        Assert.Equal("spiffe://example.org/a/b", id.ReplaceSegments("a", "b").ToString());
        Assert.Equal("spiffe://example.org", id.ReplacePath(string.Empty).ToString());
        Assert.Same(id.ToString(), id.ToString());
        Assert.Equal(id, id.AppendPath(string.Empty));
    }

    [Fact]
    public void ID10_BuildersNeverProduceMoreThan2048Bytes()
    {
        var root = SpiffeId.FromSegments(Domain);
        var room = SpiffeId.MaxLength - root.Length - 1;
        var longest = root.AppendSegments(new string('a', room));

        Assert.Equal(SpiffeId.MaxLength, longest.Length);
        Assert.Equal(SpiffeIdError.IdTooLong, Assert.Throws<SpiffeIdFormatException>(() => longest.AppendSegments("b")).Error);
        Assert.Equal(SpiffeIdError.IdTooLong, Assert.Throws<SpiffeIdFormatException>(() => root.AppendPath("/" + new string('a', room + 1))).Error);
        Assert.Equal(SpiffeIdError.IdTooLong, Assert.Throws<SpiffeIdFormatException>(() => SpiffeId.FromSegments(Domain, new string('a', room + 1))).Error);
        var overlong = SpiffeId.Parse(longest + "/b", SpiffeIdParseOptions.AllowOverlongId);
        Assert.Equal(SpiffeIdError.IdTooLong, Assert.Throws<SpiffeIdFormatException>(() => overlong.AppendSegments("c")).Error);
        Assert.Equal(SpiffeIdError.IdTooLong, Assert.Throws<SpiffeIdFormatException>(() => overlong.ReplacePath(overlong.Path.ToString())).Error);
    }

    [Fact]
    public void Builders_NullArguments_Throw()
    {
        var id = SpiffeId.Parse("spiffe://example.org/x");

        Assert.Throws<ArgumentNullException>(() => SpiffeId.FromPath(Domain, null!));
        Assert.Throws<ArgumentNullException>(() => id.AppendPath(null!));
        Assert.Throws<ArgumentNullException>(() => id.AppendSegments("a", null!));
    }
}
