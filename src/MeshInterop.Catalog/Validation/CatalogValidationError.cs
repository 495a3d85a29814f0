namespace MeshInterop.Catalog.Validation;

/// <summary>One problem with an entry: the path of the offending field (for example <c>instances[1].protocol</c>) and what is wrong.</summary>
/// <param name="Path">The field path in camelCase (the proto3 JSON names), with indexes into the model's canonical order; empty for the entry as a whole.</param>
/// <param name="Message">What is wrong, for example <c>'FOO' is not one of HTTP, HTTPS, ...</c>.</param>
public sealed record CatalogValidationError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
