using MeshInterop.Protocol;

namespace MeshInterop.Conformance.Tests;

public sealed class ConformanceCasesTests
{
    [Fact]
    public void All_HasEveryReferenceCaseOnceInOrder()
    {
        var numbers = ConformanceCases.All.Select(c => c.Number).ToList();
        Assert.Equal([.. Enumerable.Range(1, 53).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "X1", "X2", "X3", "X4", "X5"], numbers);
        Assert.Equal(ConformanceCases.All.Length, ConformanceCases.All.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void All_IdsAreSnakeCaseAndDescribed()
    {
        Assert.All(ConformanceCases.All, c =>
        {
            Assert.Matches("^[a-z][a-z0-9]*(_[a-z0-9]+)+$", c.Id);
            Assert.NotEmpty(c.Behaviour);
            Assert.NotEmpty(c.SpecReference);
            Assert.NotEmpty(c.Method);
            Assert.NotEmpty(c.Roles);
            Assert.NotEmpty(c.Envelopes);
        });
    }

    [Theory]
    [InlineData("transport_spiffe_trust_domain_pinned", ConformanceLevel.Optional)]
    [InlineData("version_v2_context_token_checked", ConformanceLevel.Optional)]
    [InlineData("interop_sdk_client_vs_reference_server", ConformanceLevel.Optional)]
    [InlineData("ext_window_honoured", ConformanceLevel.Required)]
    [InlineData("lifecycle_graceful_stop_retryable", ConformanceLevel.Required)]
    public void TryGet_KnownId_HasReferenceLevel(string id, ConformanceLevel level)
    {
        Assert.True(ConformanceCases.TryGet(id, out var found));
        Assert.Equal(level, found.Level);
    }

    [Fact]
    public void TryGet_UnknownOrNull_ReturnsFalse()
    {
        Assert.False(ConformanceCases.TryGet("no_such_case", out _));
        Assert.False(ConformanceCases.TryGet(null!, out _));
    }

    [Fact]
    public void All_OnlyOptionalCasesAreOptional() =>
        Assert.Equal(
            ["transport_spiffe_trust_domain_pinned", "version_v2_context_token_checked", "interop_sdk_client_vs_reference_server", "interop_reference_client_vs_sdk_server"],
            ConformanceCases.All.Where(c => c.Level == ConformanceLevel.Optional).Select(c => c.Id));

    [Fact]
    public void All_V2OnlyCasesNameTheV2Envelope() =>
        Assert.All(
            ["version_v2_first_frame_must_be_request", "version_v2_context_token_checked", "version_v2_frames_carry_id_and_context"],
            id => Assert.Equal([HamletEnvelope.V1Alpha2], ConformanceCases.All.Single(c => c.Id == id).Envelopes));
}
