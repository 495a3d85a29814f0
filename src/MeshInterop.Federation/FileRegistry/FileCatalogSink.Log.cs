using Microsoft.Extensions.Logging;

namespace MeshInterop.Federation.FileRegistry;

public sealed partial class FileCatalogSink
{
    private static partial class Log
    {
        [LoggerMessage(5810, LogLevel.Debug, "Imports file '{Path}' written with {Count} services.", EventName = nameof(Written))]
        public static partial void Written(ILogger logger, string path, int count);

        [LoggerMessage(5811, LogLevel.Information, "Imports file '{Path}' reconciled: it holds {Count} services.", EventName = nameof(Reconciled))]
        public static partial void Reconciled(ILogger logger, string path, int count);

        [LoggerMessage(5812, LogLevel.Warning, "Imports file '{Path}' held content that is not a valid catalog file; it is replaced by the current imports. Problems:\n{Errors}", EventName = nameof(ExistingFileIgnored))]
        public static partial void ExistingFileIgnored(ILogger logger, string path, string errors);
    }
}
