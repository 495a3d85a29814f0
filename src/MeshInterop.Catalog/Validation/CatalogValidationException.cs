using System.Collections.Immutable;

namespace MeshInterop.Catalog.Validation;

/// <summary>An entry failed validation where the caller required a valid one (for example when publishing).</summary>
public sealed class CatalogValidationException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="CatalogValidationException"/> class.</summary>
    /// <param name="key">The key of the invalid entry.</param>
    /// <param name="errors">Every problem found.</param>
    public CatalogValidationException(ServiceKey key, ImmutableArray<CatalogValidationError> errors)
        : base($"Service '{key}' is invalid: {string.Join("; ", errors)}. Fix these fields and publish again.")
    {
        Key = key;
        Errors = errors;
    }

    /// <summary>Gets the key of the invalid entry.</summary>
    public ServiceKey Key { get; }

    /// <summary>Gets every problem found.</summary>
    public ImmutableArray<CatalogValidationError> Errors { get; }
}
