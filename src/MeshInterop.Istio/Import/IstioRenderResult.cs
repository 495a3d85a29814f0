using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Import;

/// <summary>The objects render mode produced, as YAML, with every problem it found.</summary>
public sealed class IstioRenderResult
{
    internal IstioRenderResult(IReadOnlyList<IstioResource> resources, string yaml, IReadOnlyList<string> errors, IReadOnlyList<string> warnings, IReadOnlyList<string> uncheckedRules)
    {
        Resources = resources;
        Yaml = yaml;
        Errors = errors;
        Warnings = warnings;
        UncheckedRules = uncheckedRules;
    }

    /// <summary>Gets the objects, exactly as apply would send them; imports with errors are left out.</summary>
    public IReadOnlyList<IstioResource> Resources { get; }

    /// <summary>Gets the objects as one multi-document YAML stream, sorted by kind, namespace and name.</summary>
    public string Yaml { get; }

    /// <summary>Gets the imports left out and why, one line each.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Gets the warnings of the builder and the validators, one line each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Gets the validation rules that could not be checked locally (for example the schema, without CRDs).</summary>
    public IReadOnlyList<string> UncheckedRules { get; }

    /// <summary>Gets a value indicating whether every import was rendered.</summary>
    public bool IsValid => Errors.Count == 0;
}
