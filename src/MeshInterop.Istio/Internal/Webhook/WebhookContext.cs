using System.Globalization;
using System.Text.Json.Nodes;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>Collects the findings of the ported istiod webhook rules for one object, each with its field path.</summary>
internal sealed class WebhookContext(string objectNamespace)
{
    private readonly List<ValidationIssue> _issues = [];

    /// <summary>Gets the object's namespace (empty when unset), used to fold <c>.</c> in exportTo.</summary>
    public string Namespace { get; } = objectNamespace;

    public IReadOnlyList<ValidationIssue> Issues => _issues;

    public void Error(string path, string message) => _issues.Add(new ValidationIssue(path, message));

    public void Warning(string path, string message) => _issues.Add(new ValidationIssue(path, message, ValidationSeverity.Warning));

    public static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public static string Key(string path, string key) => path + "[" + key + "]";

    public static string? Text(JsonNode? node) => JsonNumbers.TryGetString(node, out var text) ? text : null;

    /// <summary>The strings of a string list; items of other types are skipped (the schema layer reports them).</summary>
    public static IEnumerable<(int Index, string Value)> Strings(JsonNode? node) =>
        node is JsonArray array
            ? array.Select((item, i) => (i, Text(item))).Where(p => p.Item2 is not null).Select(p => (p.i, p.Item2!))
            : [];

    public static IEnumerable<(int Index, JsonObject Item)> Objects(JsonNode? node) =>
        node is JsonArray array
            ? array.Select((item, i) => (i, item as JsonObject)).Where(p => p.Item2 is not null).Select(p => (p.i, p.Item2!))
            : [];

    public static int Count(JsonNode? node) => node switch
    {
        JsonArray array => array.Count,
        JsonObject obj => obj.Count,
        _ => 0,
    };

    public static bool IsSet(JsonNode? node) => node switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject => true,
        JsonValue value when JsonNumbers.TryGetString(value, out var text) => text.Length > 0,
        _ => true,
    };
}
