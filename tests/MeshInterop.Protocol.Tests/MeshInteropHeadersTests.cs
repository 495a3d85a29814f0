namespace MeshInterop.Protocol.Tests;

public sealed class MeshInteropHeadersTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("10000", 10000)]
    public void TryParseSnapshotCount_Decimal_Parses(string value, int expected)
    {
        Assert.True(MeshInteropHeaders.TryParseSnapshotCount(value, out var count));
        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+3")]
    [InlineData(" 3")]
    [InlineData("3 ")]
    [InlineData("1e3")]
    [InlineData("٣")]
    [InlineData("99999999999")]
    public void TryParseSnapshotCount_AbsentMalformedOrNegative_Fails(string? value)
    {
        Assert.False(MeshInteropHeaders.TryParseSnapshotCount(value, out _));
    }

    [Theory]
    [InlineData(null, 64, 1)]
    [InlineData("4", 64, 4)]
    [InlineData("1024", 64, 64)]
    [InlineData("100", 1024, 100)]
    [InlineData("1025", 2048, 1)]
    [InlineData("0", 64, 1)]
    [InlineData("-4", 64, 1)]
    [InlineData("four", 64, 1)]
    public void GrantWindow_FollowsTheExtensionRules(string? value, int ownerMax, int expected)
    {
        Assert.Equal(expected, MeshInteropHeaders.GrantWindow(value, ownerMax));
    }
}
