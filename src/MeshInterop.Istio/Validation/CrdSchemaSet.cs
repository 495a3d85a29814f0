using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Validation;

/// <summary>
/// The <c>openAPIV3Schema</c> of every served version of a set of CustomResourceDefinitions, indexed by group,
/// kind and version. Load it from the CRD YAML of the target Istio release (render mode) or from the
/// <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition objects of the live cluster.
/// </summary>
public sealed class CrdSchemaSet
{
    private readonly Dictionary<(string Group, string Kind, string Version), CrdSchema> _schemas;

    private CrdSchemaSet(Dictionary<(string Group, string Kind, string Version), CrdSchema> schemas) => _schemas = schemas;

    /// <summary>Gets every schema, sorted by group, kind and version.</summary>
    public IReadOnlyList<CrdSchema> Schemas =>
        [.. _schemas.Values.OrderBy(s => s.Group, StringComparer.Ordinal).ThenBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Version, StringComparer.Ordinal)];

    /// <summary>Parses a (multi-document) YAML stream of CustomResourceDefinitions; other documents are ignored.</summary>
    /// <param name="yaml">The YAML text, for example Istio's <c>crd-all.gen.yaml</c>.</param>
    /// <returns>The schemas.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="yaml"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The YAML is malformed, or a CRD lacks its group, kind or a version's schema.</exception>
    public static CrdSchemaSet Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        List<JsonNode?> documents;
        try
        {
            documents = YamlJson.ReadDocuments(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new FormatException($"The CRD YAML is malformed: {ex.Message}", ex);
        }

        return FromCustomResourceDefinitions(documents.OfType<JsonObject>());
    }

    /// <summary>Indexes CustomResourceDefinition objects given as JSON (for example as read from the API server).</summary>
    /// <param name="definitions">The objects; those whose <c>kind</c> is not <c>CustomResourceDefinition</c> are ignored.</param>
    /// <returns>The schemas.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definitions"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A CRD lacks its group, kind or a served version's schema, or one is defined twice.</exception>
    public static CrdSchemaSet FromCustomResourceDefinitions(IEnumerable<JsonObject> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var schemas = new Dictionary<(string, string, string), CrdSchema>();
        foreach (var crd in definitions)
        {
            if (crd["kind"]?.GetValueKind() != System.Text.Json.JsonValueKind.String
                || !string.Equals((string?)crd["kind"], "CustomResourceDefinition", StringComparison.Ordinal))
                continue;
            var name = (crd["metadata"]?["name"] as JsonValue)?.ToString() ?? "(unnamed)";
            var group = Text(crd["spec"]?["group"]) ?? throw new FormatException($"CRD '{name}' has no spec.group.");
            var kind = Text(crd["spec"]?["names"]?["kind"]) ?? throw new FormatException($"CRD '{name}' has no spec.names.kind.");
            if (crd["spec"]?["versions"] is not JsonArray versions)
                throw new FormatException($"CRD '{name}' has no spec.versions.");
            foreach (var version in versions.OfType<JsonObject>())
            {
                var versionName = Text(version["name"]) ?? throw new FormatException($"CRD '{name}' has a version without a name.");
                if (version["served"] is JsonValue served && served.TryGetValue<bool>(out var isServed) && !isServed)
                    continue;
                if (version["schema"]?["openAPIV3Schema"] is not JsonObject schema)
                    throw new FormatException($"CRD '{name}' version '{versionName}' has no schema.openAPIV3Schema.");
                if (!schemas.TryAdd((group, kind, versionName), new CrdSchema(group, kind, versionName, (JsonObject)schema.DeepClone())))
                    throw new FormatException($"CRD '{name}' defines {kind}.{group}/{versionName} twice.");
            }
        }

        return new CrdSchemaSet(schemas);
    }

    /// <summary>Finds the schema of a kind in a served version.</summary>
    /// <param name="group">The API group, for example <c>networking.istio.io</c>.</param>
    /// <param name="kind">The kind, for example <c>ServiceEntry</c>.</param>
    /// <param name="version">The version, for example <c>v1</c>.</param>
    /// <param name="schema">The schema when found.</param>
    /// <returns><see langword="true"/> if the version is served and has a schema.</returns>
    public bool TryGetSchema(string group, string kind, string version, [NotNullWhen(true)] out CrdSchema? schema) =>
        _schemas.TryGetValue((group, kind, version), out schema);

    /// <summary>Finds the schema for an object by its <c>apiVersion</c> and <c>kind</c>.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="schema">The schema when found.</param>
    /// <returns><see langword="true"/> if the set holds the object's kind and version.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    public bool TryGetSchemaFor(JsonObject obj, [NotNullWhen(true)] out CrdSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        schema = null;
        var apiVersion = Text(obj["apiVersion"]);
        var kind = Text(obj["kind"]);
        var slash = apiVersion?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return kind is not null && slash > 0 && TryGetSchema(apiVersion![..slash], kind, apiVersion[(slash + 1)..], out schema);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}

/// <summary>The structural schema of one kind in one version.</summary>
public sealed class CrdSchema
{
    internal CrdSchema(string group, string kind, string version, JsonObject root)
    {
        Group = group;
        Kind = kind;
        Version = version;
        Root = root;
    }

    /// <summary>Gets the API group.</summary>
    public string Group { get; }

    /// <summary>Gets the kind.</summary>
    public string Kind { get; }

    /// <summary>Gets the version.</summary>
    public string Version { get; }

    internal JsonObject Root { get; }

    /// <summary>
    /// Validates an object as the API server does with <c>fieldValidation=Strict</c>: types, enums, required fields,
    /// bounds, lengths, patterns, list-map keys and unknown fields (errors), and the CEL rules
    /// (<c>x-kubernetes-validations</c>) with <c>self</c> bound to each value; CEL rules that cannot be evaluated
    /// locally are listed in <see cref="ValidationResult.UncheckedRules"/>.
    /// </summary>
    /// <param name="obj">The whole object, with <c>apiVersion</c>, <c>kind</c>, <c>metadata</c> and <c>spec</c>.</param>
    /// <returns>The findings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    public ValidationResult Validate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return StructuralSchemaWalker.Validate(obj, Root);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}.{Group}/{Version}";
}
