using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation.FileRegistry.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>
/// Writes the import view to a JSON file, replaced atomically on every change. The file belongs to the sink: it
/// holds the imports and nothing else, so a reconcile rewrites it whole.
/// </summary>
public sealed partial class FileCatalogSink : ICatalogSink, IDisposable
{
    private static readonly CatalogFileReadOptions ExistingFileOptions = new()
    {
        Validation = new CatalogValidationOptions { Mode = CatalogValidationMode.Lenient },
        AllowImported = true,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger;
    private SortedDictionary<ServiceKey, CatalogEntry>? _imports;
    private byte[]? _written;

    /// <summary>Initializes a new instance of the <see cref="FileCatalogSink"/> class.</summary>
    /// <param name="options">The file registry options; <see cref="FileRegistryOptions.ImportsPath"/> is read.</param>
    /// <param name="logger">Where writes are reported.</param>
    /// <param name="environment">The host, whose content root relative paths are resolved against; <see langword="null"/> for the current directory.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    public FileCatalogSink(IOptions<FileRegistryOptions> options, ILogger<FileCatalogSink> logger, IHostEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        Path = RegistryPaths.Resolve(options.Value.ImportsPath, environment);
    }

    /// <summary>Gets the full path of the imports file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    /// <exception cref="IOException">The imports file could not be written; the call may be retried.</exception>
    public async Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var imports = await LoadAsync(cancellationToken).ConfigureAwait(false);

            // State-based, so applying a batch twice, or over a file that already has it, changes nothing.
            var next = new SortedDictionary<ServiceKey, CatalogEntry>(imports);
            foreach (var change in changes)
            {
                if (change.New is { } entry)
                {
                    next[entry.Key] = entry;
                }
                else
                {
                    next.Remove(change.Key);
                }
            }

            await WriteAsync(next, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="IOException">The imports file could not be written; the call may be retried.</exception>
    public async Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = new SortedDictionary<ServiceKey, CatalogEntry>();
            foreach (var entry in desired)
            {
                next[entry.Key] = entry;
            }

            await WriteAsync(next, cancellationToken).ConfigureAwait(false);
            Log.Reconciled(_logger, Path, next.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    /// <summary>Starts from what the file holds, so changes applied after a restart land on the imports written before it.</summary>
    private async Task<SortedDictionary<ServiceKey, CatalogEntry>> LoadAsync(CancellationToken cancellationToken)
    {
        if (_imports is not null)
        {
            return _imports;
        }

        var imports = new SortedDictionary<ServiceKey, CatalogEntry>();
        if (File.Exists(Path))
        {
            var existing = await CatalogFile.ReadAsync(Path, ExistingFileOptions, cancellationToken).ConfigureAwait(false);
            if (existing.IsValid)
            {
                foreach (var entry in existing.Entries)
                {
                    imports[entry.Key] = entry;
                }
            }
            else
            {
                Log.ExistingFileIgnored(_logger, Path, string.Join(Environment.NewLine, existing.Errors));
            }
        }

        _imports = imports;
        return imports;
    }

    private async Task WriteAsync(SortedDictionary<ServiceKey, CatalogEntry> next, CancellationToken cancellationToken)
    {
        var content = CatalogFile.Serialize(next.Values);
        if (_written is null || !content.AsSpan().SequenceEqual(_written) || !File.Exists(Path))
        {
            await AtomicFile.WriteAsync(Path, content, cancellationToken).ConfigureAwait(false);
            _written = content;
            Log.Written(_logger, Path, next.Count);
        }

        // Only once the file holds it does the new state become the sink's: a failed write is retried in full.
        _imports = next;
    }
}
