using System.Text.Json.Nodes;

namespace MeshInterop.Testing.FakeKubernetes;

/// <summary>
/// Field sets for server-side apply, simplified: every leaf of an applied object is one field, objects are granular
/// and lists are atomic (the real API server also merges list-maps per key; the fake treats them as one field).
/// A path is its segments joined by <see cref="Separator"/> so that keys containing dots stay unambiguous.
/// </summary>
internal static class FieldPaths
{
    public const char Separator = '\u001f';

    // Fields the server owns or that identify the object; never part of a manager's field set.
    private static readonly HashSet<string> Unmanaged = new(StringComparer.Ordinal)
    {
        "apiVersion", "kind", "status",
        Join("metadata", "name"), Join("metadata", "namespace"), Join("metadata", "uid"), Join("metadata", "resourceVersion"),
        Join("metadata", "generation"), Join("metadata", "creationTimestamp"), Join("metadata", "managedFields"),
        Join("metadata", "deletionTimestamp"), Join("metadata", "selfLink"),
    };

    public static string Join(params string[] segments) => string.Join(Separator, segments);

    public static string Display(string path) => "." + path.Replace(Separator, '.');

    public static HashSet<string> Leaves(JsonObject obj)
    {
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        Collect(obj, string.Empty, leaves);
        return leaves;
    }

    private static void Collect(JsonNode? node, string prefix, HashSet<string> leaves)
    {
        if (prefix.Length > 0 && Unmanaged.Contains(prefix))
            return;
        if (node is JsonObject obj && (obj.Count > 0 || prefix.Length == 0))
        {
            foreach (var (key, child) in obj)
                Collect(child, prefix.Length == 0 ? key : prefix + Separator + key, leaves);
            return;
        }

        leaves.Add(prefix);
    }

    public static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split(Separator))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
                return null;
        }

        return node;
    }

    public static bool Has(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split(Separator))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
                return false;
        }

        return true;
    }

    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split(Separator);
        var obj = root;
        foreach (var segment in segments[..^1])
        {
            if (obj[segment] is not JsonObject child)
            {
                child = new JsonObject();
                obj[segment] = child;
            }

            obj = child;
        }

        obj[segments[^1]] = value?.DeepClone();
    }

    /// <summary>Removes a field and then any parent object left empty by the removal.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var segments = path.Split(Separator);
        var chain = new List<JsonObject> { root };
        foreach (var segment in segments[..^1])
        {
            if (chain[^1][segment] is not JsonObject child)
                return;
            chain.Add(child);
        }

        chain[^1].Remove(segments[^1]);
        for (var i = chain.Count - 1; i > 0 && chain[i].Count == 0; i--)
            chain[i - 1].Remove(segments[i - 1]);
    }

    /// <summary>The <c>fieldsV1</c> form of a field set: <c>{"f:spec":{"f:hosts":{}}}</c>.</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var obj = root;
            foreach (var segment in path.Split(Separator))
            {
                if (obj["f:" + segment] is not JsonObject child)
                {
                    child = new JsonObject();
                    obj["f:" + segment] = child;
                }

                obj = child;
            }
        }

        return root;
    }
}
