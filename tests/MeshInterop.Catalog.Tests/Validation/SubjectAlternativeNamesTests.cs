using MeshInterop.Catalog.Validation;

namespace MeshInterop.Catalog.Tests.Validation;

public sealed class SubjectAlternativeNamesTests
{
    [Theory]
    [InlineData("URI:spiffe://td/ns/x", "spiffe://td/ns/x")]
    [InlineData("spiffe://td/ns/x", "spiffe://td/ns/x")]
    [InlineData(" uri:SPIFFE://Mesh-B.Example/NS/X ", "spiffe://mesh-b.example/NS/X")]
    [InlineData("URI:https://Example.com/Path", "https://Example.com/Path")]
    [InlineData("db.mysql.com", "db.mysql.com")]
    public void Normalize_OneValue(string input, string expected) =>
        Assert.Equal(expected, SubjectAlternativeNames.Normalize(input));

    [Fact]
    public void Normalize_List_DropsDuplicatesAfterNormalisationKeepingFirstSeenOrder()
    {
        var result = SubjectAlternativeNames.Normalize(["spiffe://b/x", "URI:spiffe://a/x", "URI:SPIFFE://B/x", "", "spiffe://a/x"]);

        Assert.Equal(["spiffe://b/x", "spiffe://a/x"], result);
    }
}
