using System.Collections.Immutable;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>A catalog file could not be used; <see cref="Errors"/> says what is wrong and where.</summary>
public sealed class CatalogFileException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CatalogFileException"/> class.</summary>
    /// <param name="file">The file.</param>
    /// <param name="errors">The problems, at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="file"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public CatalogFileException(string file, ImmutableArray<CatalogFileError> errors)
        : base(Describe(file, errors))
    {
        File = file;
        Errors = errors;
    }

    /// <summary>Gets the file.</summary>
    public string File { get; }

    /// <summary>Gets the problems.</summary>
    public ImmutableArray<CatalogFileError> Errors { get; }

    private static string Describe(string file, ImmutableArray<CatalogFileError> errors)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (errors.IsDefaultOrEmpty)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        var count = errors.Length == 1 ? "1 error" : $"{errors.Length} errors";
        return $"Catalog file '{file}' has {count}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
