using MeshInterop.Catalog.Validation;

namespace MeshInterop.Catalog.Tests.Validation;

public sealed class InstanceMetadataKeysTests
{
    private static KeyValuePair<string, string> P(string k, string v) => new(k, v);

    [Fact]
    public void TryNormalize_ReservedKeysInAnyCase_UpperCasedOthersUntouched()
    {
        Assert.True(InstanceMetadataKeys.TryNormalize(StringMap.Create(P("port", "8443"), P("Sni", "x.example"), P("cert", "PEM")), out var normalized, out _));

        Assert.Equal(StringMap.Create(P("PORT", "8443"), P("SNI", "x.example"), P("cert", "PEM")), normalized);
    }

    [Fact]
    public void TryNormalize_TwoSpellingsEqualValues_Merged()
    {
        Assert.True(InstanceMetadataKeys.TryNormalize(StringMap.Create(P("port", "8443"), P("PORT", "8443")), out var normalized, out _));

        Assert.Equal(StringMap.Create(P("PORT", "8443")), normalized);
    }

    [Fact]
    public void TryNormalize_TwoSpellingsDifferentValues_ReportsKey()
    {
        Assert.False(InstanceMetadataKeys.TryNormalize(StringMap.Create(P("hostname", "a"), P("HOSTNAME", "b")), out _, out var conflict));

        Assert.Equal("HOSTNAME", conflict);
    }

    [Fact]
    public void TryNormalize_AlreadyCanonical_ReturnsSameMap()
    {
        var metadata = StringMap.Create(P("SNI", "x"));

        Assert.True(InstanceMetadataKeys.TryNormalize(metadata, out var normalized, out _));
        Assert.Equal(metadata, normalized);
    }
}
