using System.Collections.Immutable;
using MeshInterop.Catalog;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>What reading a catalog file gave: the services, or every problem found.</summary>
public sealed class CatalogFileReadResult
{
    internal CatalogFileReadResult(string file, ImmutableArray<CatalogEntry> entries, ImmutableArray<CatalogFileError> errors)
    {
        File = file;
        Entries = errors.IsEmpty ? entries : [];
        Errors = errors;
    }

    /// <summary>Gets the file path as given to the reader.</summary>
    public string File { get; }

    /// <summary>Gets the services in key order; empty when the file has errors, so nothing half-read is ever used.</summary>
    public ImmutableArray<CatalogEntry> Entries { get; }

    /// <summary>Gets every problem found, in the order of the file (at most the validator's error limit per service).</summary>
    public ImmutableArray<CatalogFileError> Errors { get; }

    /// <summary>Gets a value indicating whether the file has no errors.</summary>
    public bool IsValid => Errors.IsEmpty;

    /// <summary>Throws when the file has errors.</summary>
    /// <exception cref="CatalogFileException">The file has errors; the exception lists them.</exception>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new CatalogFileException(File, Errors);
        }
    }
}
