using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Import;

internal sealed partial class ConsulImportSink
{
    private static partial class Log
    {
        [LoggerMessage(3401, LogLevel.Debug,
            "Wrote imports to Consul: {Registered} registered, {Updated} updated, {Deregistered} deregistered, {NodesDeleted} nodes removed, in {Transactions} transactions.",
            EventName = nameof(ImportWritten))]
        public static partial void ImportWritten(ILogger logger, int registered, int updated, int deregistered, int nodesDeleted, int transactions);

        [LoggerMessage(3402, LogLevel.Error,
            "Node '{NodeName}' for peer '{PeerName}' exists without MeshInterop owner '{OwnerId}'; its imports are not written. It may be an agent's node or another deployment's.",
            EventName = nameof(NodeNotOwned))]
        public static partial void NodeNotOwned(ILogger logger, string nodeName, string peerName, string ownerId);

        [LoggerMessage(3403, LogLevel.Warning,
            "Import '{ServiceName}' is not written: the name already has instances this owner did not write (node '{NodeName}').",
            EventName = nameof(ImportNameConflict))]
        public static partial void ImportNameConflict(ILogger logger, string serviceName, string nodeName);

        [LoggerMessage(3404, LogLevel.Warning, "Import '{ServiceName}' is not written: {Problem}.", EventName = nameof(ImportRejected))]
        public static partial void ImportRejected(ILogger logger, string serviceName, string problem);

        [LoggerMessage(3405, LogLevel.Warning,
            "ACLs hide part of node '{NodeName}'; nothing is deleted from it until the token may read all of it.",
            EventName = nameof(PartialViewNoReap))]
        public static partial void PartialViewNoReap(ILogger logger, string nodeName);

        [LoggerMessage(3406, LogLevel.Information,
            "A Consul transaction was rolled back (attempt {Attempt}): '{Reason}'; re-reading and retrying.",
            EventName = nameof(TransactionRetried))]
        public static partial void TransactionRetried(ILogger logger, int attempt, string reason);
    }
}
