using Microsoft.Extensions.Logging;

namespace MeshInterop.Federation.Internal;

/// <summary>The agent's log events, IDs 5000-5999.</summary>
internal static partial class FederationLog
{
    [LoggerMessage(5000, LogLevel.Information, "Federation agent of mesh '{MeshName}' ({AgentId}) starting with {PeerCount} peers.")]
    public static partial void Starting(ILogger logger, string meshName, string agentId, int peerCount);

    [LoggerMessage(5001, LogLevel.Information, "Federation agent of mesh '{MeshName}' stopped.")]
    public static partial void Stopped(ILogger logger, string meshName);

    [LoggerMessage(5002, LogLevel.Warning, "The catalog source failed or ended; following it again in {DelaySeconds} s.")]
    public static partial void SourceFailed(ILogger logger, Exception? exception, double delaySeconds);

    [LoggerMessage(5003, LogLevel.Warning, "Acquiring leadership failed; trying again in {DelaySeconds} s.")]
    public static partial void ElectionFailed(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(5004, LogLevel.Information, "This replica is now the leader; resyncing from {PeerCount} peers before writing to the sink.")]
    public static partial void LeadershipAcquired(ILogger logger, int peerCount);

    [LoggerMessage(5005, LogLevel.Warning, "Leadership lost; consumers stopped and no further sink writes are made by this replica.")]
    public static partial void LeadershipLost(ILogger logger);

    [LoggerMessage(5006, LogLevel.Information, "Every peer resynced in {ElapsedSeconds} s; the sink now holds exactly the {Count} imports.")]
    public static partial void Resynced(ILogger logger, double elapsedSeconds, int count);

    [LoggerMessage(5007, LogLevel.Warning, "Peers {Peers} have not resynced after {TimeoutSeconds} s; writing additions and updates only, removing stale imports once they have.")]
    public static partial void ResyncTimedOut(ILogger logger, string peers, double timeoutSeconds);

    [LoggerMessage(5008, LogLevel.Warning, "Writing {Operation} to the sink failed; retrying in {DelaySeconds} s.")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string operation, double delaySeconds);

    [LoggerMessage(5009, LogLevel.Error, "Peer '{Peer}' failed and is no longer retried: {Reason}")]
    public static partial void PeerFailed(ILogger logger, string peer, string? reason);

    [LoggerMessage(5010, LogLevel.Warning, "Import '{RemoteKey}' from peer '{Peer}' is not projected as '{LocalKey}': {Reason}, {Detail}")]
    public static partial void ImportConflict(ILogger logger, string peer, string remoteKey, string localKey, string reason, string detail);

    [LoggerMessage(5011, LogLevel.Error, "The leadership term ended with an unexpected error; standing for election again.")]
    public static partial void TermFailed(ILogger logger, Exception exception);

    [LoggerMessage(5012, LogLevel.Debug, "Wrote {Count} import changes to the sink.")]
    public static partial void SinkApplied(ILogger logger, int count);
}
