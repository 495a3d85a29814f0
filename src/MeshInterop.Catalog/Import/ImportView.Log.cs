using Microsoft.Extensions.Logging;

namespace MeshInterop.Catalog.Import;

public sealed partial class ImportView
{
    private void LogConflicts(ImportViewChanges changes)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
            return;
        foreach (var conflict in changes.ConflictsRaised)
        {
            if (conflict.Reason == ImportConflictReason.Aggregated)
                Log.ImportAggregated(_logger, conflict.Peer, conflict.RemoteKey.Name, conflict.LocalKey.Name, conflict.Detail);
            else
                Log.ImportConflict(_logger, conflict.Peer, conflict.RemoteKey.Name, conflict.LocalKey.Name, conflict.Reason, conflict.Detail);
        }

        // A conflict that changed is in both lists; its new form was logged above.
        foreach (var conflict in changes.ConflictsCleared)
        {
            if (!changes.ConflictsRaised.Any(c => string.Equals(c.Peer, conflict.Peer, StringComparison.Ordinal) && c.RemoteKey == conflict.RemoteKey))
                Log.ImportConflictCleared(_logger, conflict.Peer, conflict.RemoteKey.Name, conflict.Reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Warning,
            "Import '{RemoteKey}' of peer '{PeerName}' is not projected as '{LocalName}' ({Reason}): {Detail}",
            EventName = nameof(ImportConflict))]
        public static partial void ImportConflict(ILogger logger, string peerName, string remoteKey, string localName, ImportConflictReason reason, string detail);

        [LoggerMessage(1002, LogLevel.Information,
            "Import '{RemoteKey}' of peer '{PeerName}' is no longer in conflict ({Reason} ended).",
            EventName = nameof(ImportConflictCleared))]
        public static partial void ImportConflictCleared(ILogger logger, string peerName, string remoteKey, ImportConflictReason reason);

        [LoggerMessage(1003, LogLevel.Information,
            "Import '{RemoteKey}' of peer '{PeerName}' is merged into '{LocalName}': {Detail}",
            EventName = nameof(ImportAggregated))]
        public static partial void ImportAggregated(ILogger logger, string peerName, string remoteKey, string localName, string detail);
    }
}
