using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation.FileRegistry.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>
/// This mesh's services from a JSON registry file. The file is watched (a <see cref="FileSystemWatcher"/>, and a
/// periodic re-read in case a notification is lost); content that did not change is ignored, and an invalid edit
/// keeps the last good state and is logged with every problem's line and field, so a typo never drops services.
/// </summary>
public sealed partial class FileCatalogSource : ICatalogSource
{
    private readonly FileRegistryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CatalogFileReadOptions _readOptions;

    /// <summary>Initializes a new instance of the <see cref="FileCatalogSource"/> class.</summary>
    /// <param name="options">The file registry options; <see cref="FileRegistryOptions.ServicesPath"/> is read.</param>
    /// <param name="timeProvider">The clock the periodic re-read runs on.</param>
    /// <param name="logger">Where loads and rejected edits are reported.</param>
    /// <param name="environment">The host, whose content root relative paths are resolved against; <see langword="null"/> for the current directory.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    public FileCatalogSource(IOptions<FileRegistryOptions> options, TimeProvider timeProvider, ILogger<FileCatalogSource> logger, IHostEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        Path = RegistryPaths.Resolve(_options.ServicesPath, environment);
        _readOptions = new CatalogFileReadOptions { Validation = new CatalogValidationOptions { Mode = _options.Validation } };
    }

    /// <summary>Gets the full path of the registry file.</summary>
    public string Path { get; }

    /// <summary>Gets the problems of the last version of the file that was rejected, or empty once a good version is read.</summary>
    public ImmutableArray<CatalogFileError> LastErrors { get; private set; } = [];

    /// <summary>
    /// Reads the registry file as the full state (throwing <see cref="CatalogFileException"/> when it is missing or
    /// invalid), then delivers each accepted change of the file until cancelled.
    /// </summary>
    /// <param name="cancellationToken">Stops the watch.</param>
    /// <returns>The updates.</returns>
    /// <exception cref="CatalogFileException">The file is missing or invalid when the watch starts.</exception>
    public async IAsyncEnumerable<CatalogSourceUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One pending signal is enough: every read sees the file as it is by then.
        var signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        void Signal() => signals.Writer.TryWrite(true);

        using var watcher = CreateWatcher(Signal);
        using var timer = _timeProvider.CreateTimer(_ => Signal(), null, _options.PollInterval, _options.PollInterval);

        // The watcher is up before the first read, so an edit made while reading is not missed.
        var (initialHash, initial) = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (!initial.IsValid)
        {
            LastErrors = initial.Errors;
            throw new CatalogFileException(Path, initial.Errors);
        }

        LastErrors = [];
        Log.Loaded(_logger, Path, initial.Entries.Length);
        var current = initial.Entries.ToDictionary(e => e.Key);
        var lastHash = initialHash;
        yield return CatalogSourceUpdate.FullState(initial.Entries);

        while (await signals.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            signals.Reader.TryRead(out _);
            var (hash, result) = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (hash is not null && lastHash is not null && hash.AsSpan().SequenceEqual(lastHash))
            {
                continue;
            }

            if (hash is null && lastHash is null)
            {
                // Still unreadable, and already reported.
                continue;
            }

            lastHash = hash;
            if (!result.IsValid)
            {
                LastErrors = result.Errors;
                Log.Rejected(_logger, Path, current.Count, result.Errors.Length, string.Join(Environment.NewLine, result.Errors));
                continue;
            }

            LastErrors = [];
            var upserts = result.Entries.Where(e => !current.TryGetValue(e.Key, out var before) || !before.Equals(e)).ToImmutableArray();
            var next = result.Entries.ToDictionary(e => e.Key);
            var removals = current.Keys.Where(k => !next.ContainsKey(k)).Order().ToImmutableArray();
            current = next;
            Log.Reloaded(_logger, Path, upserts.Length, removals.Length, current.Count);
            if (upserts.Length > 0 || removals.Length > 0)
            {
                yield return CatalogSourceUpdate.Changes(upserts, removals);
            }
        }
    }

    private FileSystemWatcher? CreateWatcher(Action signal)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(directory))
        {
            // The first read reports the missing file; there is nothing to watch yet.
            return null;
        }

        var watcher = new FileSystemWatcher(directory, System.IO.Path.GetFileName(Path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => signal();
        watcher.Created += (_, _) => signal();
        watcher.Deleted += (_, _) => signal();
        watcher.Renamed += (_, _) => signal();
        watcher.Error += (_, e) =>
        {
            Log.WatcherFailed(_logger, e.GetException(), Path);
            signal();
        };
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or PlatformNotSupportedException)
        {
            // A missing directory or exhausted inotify instances: the periodic re-read still notices changes.
            Log.WatcherFailed(_logger, ex, Path);
        }

        return watcher;
    }

    /// <summary>Reads and parses the file; the hash is null when the file could not be read at all.</summary>
    private async Task<(byte[]? Hash, CatalogFileReadResult Result)> LoadAsync(CancellationToken cancellationToken)
    {
        var content = await CatalogFileContent.ReadAsync(Path, cancellationToken).ConfigureAwait(false);
        if (content.Error is { } error)
        {
            return (null, new CatalogFileReadResult(Path, [], [CatalogFileParser.Whole(Path, error)]));
        }

        return (SHA256.HashData(content.Bytes), CatalogFile.Parse(content.Bytes, Path, _readOptions));
    }
}
