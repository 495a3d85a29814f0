namespace MeshInterop.Identity.Bundles;

/// <summary>
/// A source of trust bundle snapshots, such as a static configuration, a Workload API client or the federation
/// bundle refresher. Consumers read <see cref="Current"/> per connection or per validation and wait for changes
/// with <see cref="WaitForChangeAsync"/>.
/// </summary>
public interface IBundleSource
{
    /// <summary>Gets the current snapshot. Its <see cref="BundleSet.Generation"/> only ever increases.</summary>
    BundleSet Current { get; }

    /// <summary>
    /// Waits until the source holds a snapshot newer than <paramref name="knownGeneration"/>, and returns it.
    /// Completes at once when <see cref="Current"/> is already newer, so no change can be missed between reading
    /// <see cref="Current"/> and calling this method.
    /// </summary>
    /// <param name="knownGeneration">The generation the caller already has.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A snapshot whose generation is greater than <paramref name="knownGeneration"/>.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<BundleSet> WaitForChangeAsync(long knownGeneration, CancellationToken cancellationToken);
}
