using MeshInterop.Catalog.Validation;

namespace MeshInterop.Catalog.Tests.Validation;

/// <summary>
/// Case-insensitive matching in the catalog folds ASCII letters only: Unicode folding would map characters
/// such as U+212A KELVIN SIGN and U+017F LONG S into the ASCII set, letting different bytes pass as the same name.
/// </summary>
public sealed class AsciiCaseFoldingTests
{
    [Fact]
    public void Normalize_KelvinSignInTrustDomain_IsNotFoldedAndFailsValidation()
    {
        const string withKelvin = "spiffe://\u212Aonsul.example/ns/x";

        var normalized = SubjectAlternativeNames.Normalize(withKelvin);

        Assert.Equal(withKelvin, normalized);
        Assert.False(SubjectAlternativeNames.IsValid(withKelvin, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Normalize_LongSInScheme_IsNotASpiffeId()
    {
        Assert.Equal("\u017Fpiffe://TD/x", SubjectAlternativeNames.Normalize("\u017Fpiffe://TD/x"));
    }

    [Theory]
    [InlineData("\u017Fni")]
    [InlineData("port\u0131")]
    public void TryGetReserved_NonAsciiLookalike_IsNotReserved(string key)
    {
        Assert.False(InstanceMetadataKeys.TryGetReserved(key, out _));
    }

    [Fact]
    public void TryGetReserved_AsciiCaseVariants_AreReserved()
    {
        Assert.True(InstanceMetadataKeys.TryGetReserved("sNi", out var canonical));
        Assert.Equal(InstanceMetadataKeys.Sni, canonical);
    }

    [Theory]
    [InlineData("http\u017F")]
    [InlineData("mtl\u017F")]
    public void TryGetCanonical_NonAsciiLookalikeProtocol_IsUnknown(string protocol)
    {
        Assert.False(ServiceProtocols.TryGetCanonical(protocol, out _));
    }
}
