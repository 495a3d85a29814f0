using MeshInterop.Catalog;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Import;
using MeshInterop.Istio.Internal.Reconcile;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Import;

/// <summary>
/// Render mode: the import objects of a catalog as YAML for a GitOps pipeline, built, stamped and validated exactly as
/// <see cref="IstioCatalogSink"/> builds them before applying. The pipeline prunes by the
/// <c>app.kubernetes.io/managed-by=meshinterop</c> label.
/// </summary>
public static class IstioImportRenderer
{
    /// <summary>Renders the imports.</summary>
    /// <param name="imports">The import view: entries with a peer origin and a local FQDN.</param>
    /// <param name="options">The import options, as the sink would use them.</param>
    /// <param name="renderOptions">The API version, revision, schemas and local Services; <see langword="null"/> for the defaults.</param>
    /// <returns>The objects, their YAML and every problem found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IstioRenderResult Render(IEnumerable<CatalogEntry> imports, IstioImportOptions options, IstioRenderOptions? renderOptions = null)
    {
        ArgumentNullException.ThrowIfNull(imports);
        ArgumentNullException.ThrowIfNull(options);
        renderOptions ??= new IstioRenderOptions();
        var builder = new ImportObjectBuilder(options);
        var locals = renderOptions.LocalServices.ToDictionary(s => (s.Namespace, s.Name));
        var version = renderOptions.ApiVersion;
        var resources = new List<IstioResource>();
        var errors = new List<string>();
        var warnings = new List<string>();
        var uncheckedRules = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in imports.OrderBy(e => e.Key))
        {
            var local = ImportObjectBuilder.HostOf(entry) is { } host && builder.LocalServiceOf(host) is { } id && locals.TryGetValue(id, out var service) ? service : null;
            var built = builder.Build(entry, local, renderOptions.Revision);
            foreach (var finding in built.Findings)
                (finding.IsError ? errors : warnings).Add(finding.ToString());
            if (built.Objects is null)
                continue;
            var stamped = built.Objects.Resources.Select(OwnedObjectWriter.Stamp).ToList();
            var findings = IstioObjectValidator.Validate(stamped, renderOptions.Schemas, _ => version);
            foreach (var finding in findings)
            {
                uncheckedRules.UnionWith(finding.UncheckedRules);
                warnings.AddRange(finding.Issues.Where(i => i.Severity == ValidationSeverity.Warning).Select(i => $"warning: {ObjectId.Of(finding.Resource)}: {i}"));
            }

            var invalid = findings.Where(f => !f.IsValid).ToList();
            if (invalid.Count > 0)
                errors.AddRange(invalid.Select(f => $"error: import '{entry.Key}' is left out: {f}"));
            else
                resources.AddRange(stamped);
        }

        return new IstioRenderResult(resources, IstioManifest.ToYaml(resources, _ => version), errors, warnings, [.. uncheckedRules]);
    }
}
