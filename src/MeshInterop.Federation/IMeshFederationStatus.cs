namespace MeshInterop.Federation;

/// <summary>
/// The live state of the federation agent of this replica: whether it leads, and each peer's connection and
/// synchronisation. Registered as a singleton by <c>AddMeshFederation()</c>.
/// </summary>
public interface IMeshFederationStatus
{
    /// <summary>Gets a value indicating whether this replica is the leader (drives the consumers and writes to the sink).</summary>
    bool IsLeader { get; }

    /// <summary>Gets the number of services this mesh's source currently exports (before per-peer export policies).</summary>
    int LocalServices { get; }

    /// <summary>Gets the number of services in the import view.</summary>
    int ImportedServices { get; }

    /// <summary>Gets the status of every configured peer, in configuration order; a consistent copy.</summary>
    IReadOnlyList<MeshFederationPeerStatus> Peers { get; }

    /// <summary>Raised after any part of the status changed. Handlers run on the agent's threads and must not block.</summary>
    event EventHandler? Changed;
}
