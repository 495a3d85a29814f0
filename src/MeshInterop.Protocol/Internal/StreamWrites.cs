namespace MeshInterop.Protocol.Internal;

/// <summary>Shares one gRPC stream writer between concurrent writers (gRPC allows one pending write at a time).</summary>
internal static class StreamWrites
{
    public static Func<T, CancellationToken, Task> Serialized<T>(SemaphoreSlim gate, Func<T, CancellationToken, Task> write) => async (frame, cancellationToken) =>
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await write(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    };
}
