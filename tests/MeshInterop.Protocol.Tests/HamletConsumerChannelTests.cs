using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Protocol.Tests;

public sealed class HamletConsumerChannelTests
{
    [Fact]
    public void ConfigureKeepAlive_PingsNoMoreOftenThanTheGoReferenceServerAllows_AndOnlyUnderOpenStreams()
    {
        using var handler = new SocketsHttpHandler();

        HamletConsumerChannel.ConfigureKeepAlive(handler);

        Assert.True(handler.KeepAlivePingDelay >= TimeSpan.FromSeconds(40), $"Pinging every {handler.KeepAlivePingDelay} trips too_many_pings.");
        Assert.Equal(TimeSpan.FromSeconds(60), handler.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), handler.KeepAlivePingTimeout);
        Assert.Equal(HttpKeepAlivePingPolicy.WithActiveRequests, handler.KeepAlivePingPolicy);
    }
}
