namespace MeshInterop.Federation.Leadership;

/// <summary>
/// Leadership held by one replica. Disposing it steps down (releasing the lock so another replica can take over).
/// </summary>
public interface ILeadershipLease : IAsyncDisposable
{
    /// <summary>
    /// Gets a token cancelled the moment leadership can no longer be guaranteed (lock lost, lease expired, the
    /// backing platform unreachable past a renewal). Every write to the sink is made under this token.
    /// </summary>
    CancellationToken Lost { get; }
}
