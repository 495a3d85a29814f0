using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Client;

internal sealed partial class ConsulHttpClient
{
    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information,
            "Consul server detected as {Edition} (agent version '{Version}', datacenter '{Datacenter}').",
            EventName = nameof(EditionDetected))]
        public static partial void EditionDetected(ILogger logger, string edition, string version, string datacenter);

        [LoggerMessage(3002, LogLevel.Debug,
            "Consul request {Operation} failed with HTTP {StatusCode} ({RetryClass}): '{ServerMessage}'.",
            EventName = nameof(RequestFailed))]
        public static partial void RequestFailed(ILogger logger, string operation, int statusCode, string retryClass, string serverMessage);

        [LoggerMessage(3003, LogLevel.Debug,
            "Consul rolled back a transaction of {OperationCount} operations; operation {OperationIndex} failed: '{What}'.",
            EventName = nameof(TransactionRolledBack))]
        public static partial void TransactionRolledBack(ILogger logger, int operationCount, int operationIndex, string what);

        [LoggerMessage(3004, LogLevel.Information,
            "Consul did not know the ACL token; re-read it from '{TokenFile}' and retried once.",
            EventName = nameof(TokenReloaded))]
        public static partial void TokenReloaded(ILogger logger, string tokenFile);
    }
}
