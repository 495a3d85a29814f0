using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation.FileRegistry.Internal;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>
/// Reads and writes catalog files: the JSON registry file a mesh's services are listed in, and the import files
/// the file sink writes. The schema is documented in <c>docs/file-registry.md</c>.
/// </summary>
public static class CatalogFile
{
    /// <summary>The largest catalog file read, in bytes (64 MiB).</summary>
    public const int MaxFileBytes = 64 * 1024 * 1024;

    /// <summary>Parses a catalog file's content, reporting every problem with its line and field.</summary>
    /// <param name="utf8Json">The file content.</param>
    /// <param name="fileName">The name errors refer to.</param>
    /// <param name="options">How to read; <see langword="null"/> for a registry file in strict mode.</param>
    /// <returns>The services, or every problem found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fileName"/> is <see langword="null"/>.</exception>
    public static CatalogFileReadResult Parse(ReadOnlySpan<byte> utf8Json, string fileName, CatalogFileReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        options ??= new CatalogFileReadOptions();
        if (utf8Json.Length > MaxFileBytes)
        {
            return new CatalogFileReadResult(fileName, [], [CatalogFileParser.Whole(fileName, $"is larger than the {MaxFileBytes / (1024 * 1024)} MiB a catalog file may have")]);
        }

        return CatalogFileParser.Parse(utf8Json, fileName, new CatalogEntryValidator(options.Validation), options.AllowImported);
    }

    /// <summary>Reads and parses a catalog file. A missing or unreadable file is reported as an error, not thrown.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read; <see langword="null"/> for a registry file in strict mode.</param>
    /// <param name="cancellationToken">Abandons the read.</param>
    /// <returns>The services, or every problem found.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/> or empty.</exception>
    public static async Task<CatalogFileReadResult> ReadAsync(string path, CatalogFileReadOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = await CatalogFileContent.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return content.Error is { } error
            ? new CatalogFileReadResult(path, [], [CatalogFileParser.Whole(path, error)])
            : Parse(content.Bytes, path, options);
    }

    /// <summary>Formats services as a catalog file: in key order, defaults left out, the same bytes for the same content.</summary>
    /// <param name="entries">The services.</param>
    /// <returns>The UTF-8 JSON, ending with a line break.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>.</exception>
    public static byte[] Serialize(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return CatalogFileWriter.Serialize(entries);
    }

    /// <summary>
    /// Writes services to a catalog file atomically: into a temporary file in the same directory, flushed to disk,
    /// then renamed over <paramref name="path"/>, so a reader sees the old file or the new one, never a part.
    /// </summary>
    /// <param name="path">The file; its directory is created when missing.</param>
    /// <param name="entries">The services.</param>
    /// <param name="cancellationToken">Abandons the write; the file then keeps its previous content.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static Task WriteAsync(string path, IEnumerable<CatalogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(entries);
        return AtomicFile.WriteAsync(path, CatalogFileWriter.Serialize(entries), cancellationToken);
    }
}
