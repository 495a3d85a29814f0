using Microsoft.Extensions.Logging;

namespace MeshInterop.Federation.FileRegistry;

public sealed partial class FileCatalogSource
{
    private static partial class Log
    {
        [LoggerMessage(5800, LogLevel.Information, "Registry file '{Path}' loaded with {Count} services.", EventName = nameof(Loaded))]
        public static partial void Loaded(ILogger logger, string path, int count);

        [LoggerMessage(5801, LogLevel.Information, "Registry file '{Path}' changed: {Upserts} services added or changed, {Removals} removed, {Count} in all.", EventName = nameof(Reloaded))]
        public static partial void Reloaded(ILogger logger, string path, int upserts, int removals, int count);

        [LoggerMessage(5802, LogLevel.Error, "Registry file '{Path}' was rejected; the last good version with {Count} services stays in force. {ErrorCount} problems:\n{Errors}", EventName = nameof(Rejected))]
        public static partial void Rejected(ILogger logger, string path, int count, int errorCount, string errors);

        [LoggerMessage(5803, LogLevel.Warning, "Watching registry file '{Path}' for changes failed; it is still re-read periodically.", EventName = nameof(WatcherFailed))]
        public static partial void WatcherFailed(ILogger logger, Exception exception, string path);
    }
}
