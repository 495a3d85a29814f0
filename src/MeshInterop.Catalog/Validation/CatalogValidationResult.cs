using System.Collections.Immutable;

namespace MeshInterop.Catalog.Validation;

/// <summary>The outcome of validating an entry: every problem found, or none.</summary>
public sealed class CatalogValidationResult
{
    internal CatalogValidationResult(ServiceKey key, ImmutableArray<CatalogValidationError> errors)
    {
        Key = key;
        Errors = errors;
    }

    /// <summary>Gets the key of the validated entry.</summary>
    public ServiceKey Key { get; }

    /// <summary>Gets the problems found, in field order.</summary>
    public ImmutableArray<CatalogValidationError> Errors { get; }

    /// <summary>Gets a value indicating whether the entry is valid.</summary>
    public bool IsValid => Errors.IsEmpty;

    /// <summary>Throws when the entry is invalid.</summary>
    /// <exception cref="CatalogValidationException">The entry is invalid.</exception>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new CatalogValidationException(Key, Errors);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        IsValid ? $"Service '{Key}' is valid." : $"Service '{Key}' is invalid: {string.Join("; ", Errors)}.";
}
