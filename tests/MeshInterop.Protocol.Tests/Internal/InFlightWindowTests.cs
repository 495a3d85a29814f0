using MeshInterop.Protocol.Internal;

namespace MeshInterop.Protocol.Tests.Internal;

public sealed class InFlightWindowTests
{
    [Fact]
    public void TryAnswer_ByNonce_FreesThatSlotOnly()
    {
        var window = new InFlightWindow<string>(4);
        window.Add(new("n1", "a", 10));
        window.Add(new("n2", "b", 20));

        Assert.True(window.TryAnswer("n2", out var answered));

        Assert.Equal("b", answered.Sent);
        Assert.Equal(1, window.Count);
        Assert.Equal("n1", window.Oldest?.Nonce);
    }

    [Fact]
    public void TryAnswer_EmptyNonce_AnswersTheOldest()
    {
        var window = new InFlightWindow<string>(2);
        window.Add(new("n1", "a", 10));
        window.Add(new("n2", "b", 20));

        Assert.True(window.TryAnswer(string.Empty, out var answered));

        Assert.Equal("n1", answered.Nonce);
    }

    [Fact]
    public void TryAnswer_UnknownNonce_ReturnsFalseAndChangesNothing()
    {
        var window = new InFlightWindow<string>(1);
        window.Add(new("n1", "a", 10));

        Assert.False(window.TryAnswer("n9", out _));
        Assert.Equal(1, window.Count);
        Assert.False(window.HasCapacity);
    }

    [Fact]
    public void Add_WhenFull_Throws()
    {
        var window = new InFlightWindow<string>(1);
        window.Add(new("n1", "a", 10));

        Assert.Throws<InvalidOperationException>(() => window.Add(new("n2", "b", 20)));
    }

    [Fact]
    public void Add_EmptyNonce_Throws()
    {
        Assert.Throws<ArgumentException>(() => new InFlightWindow<string>(1).Add(new(string.Empty, "a", 10)));
    }
}
