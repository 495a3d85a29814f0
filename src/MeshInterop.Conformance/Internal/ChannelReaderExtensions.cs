using System.Threading.Channels;

namespace MeshInterop.Conformance.Internal;

/// <summary>Bounded reads: what the kit waits for may never come, and that is often the verdict.</summary>
internal static class ChannelReaderExtensions
{
    /// <summary>Reads the next item, or <see langword="null"/> when none arrives within <paramref name="within"/> or the channel completes.</summary>
    public static async Task<T?> ReadWithinAsync<T>(this ChannelReader<T> reader, TimeSpan within, CancellationToken cancellationToken)
        where T : class
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(within > TimeSpan.Zero ? within : TimeSpan.Zero);
        try
        {
            if (await reader.WaitToReadAsync(bound.Token).ConfigureAwait(false) && reader.TryRead(out var item))
            {
                return item;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return null;
    }
}
