using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshInterop.Istio.Internal;

/// <summary>
/// Small builders for the canonical JSON of an Istio object: unset and empty values are omitted, set-like lists
/// are sorted ordinally and deduplicated, and <see cref="SortKeys"/> orders every map so that identical input
/// always yields identical bytes.
/// </summary>
internal static class SpecJson
{
    public static void Set(JsonObject target, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            target[key] = value;
    }

    public static void Set(JsonObject target, string key, long? value)
    {
        if (value is { } v)
            target[key] = v;
    }

    public static void Set(JsonObject target, string key, bool? value)
    {
        if (value is { } v)
            target[key] = v;
    }

    public static void Set(JsonObject target, string key, JsonNode? value)
    {
        if (value is JsonObject { Count: 0 } or JsonArray { Count: 0 } or null)
            return;
        target[key] = value;
    }

    /// <summary>Sets an enum as the Istio wire name (<c>MeshInternal</c> becomes <c>MESH_INTERNAL</c>).</summary>
    public static void Set<TEnum>(JsonObject target, string key, TEnum? value)
        where TEnum : struct, Enum
    {
        if (value is { } v)
            target[key] = WireName(v);
    }

    public static string WireName<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        var upper = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsAsciiLetterUpper(name[i]) && !char.IsAsciiLetterUpper(name[i - 1]) && name[i - 1] != '_')
                upper.Append('_');
            upper.Append(char.ToUpperInvariant(name[i]));
        }

        return upper.ToString();
    }

    /// <summary>A set of strings: sorted ordinally, duplicates removed; <see langword="null"/> when empty.</summary>
    public static JsonArray? SortedSet(IEnumerable<string>? values)
    {
        if (values is null)
            return null;
        var array = new JsonArray();
        foreach (var value in values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            array.Add(value);
        return array.Count == 0 ? null : array;
    }

    /// <summary>A list whose order is meaningful (routes, rules): kept as given.</summary>
    public static JsonArray? List<T>(IEnumerable<T>? items, Func<T, JsonNode?> convert)
    {
        if (items is null)
            return null;
        var array = new JsonArray();
        foreach (var item in items)
            array.Add(convert(item));
        return array.Count == 0 ? null : array;
    }

    public static JsonObject? StringMap(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
            return null;
        var obj = new JsonObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
            obj[key] = value;
        return obj;
    }

    public static JsonObject? PortMap(IReadOnlyDictionary<string, int>? map)
    {
        if (map is null || map.Count == 0)
            return null;
        var obj = new JsonObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
            obj[key] = value;
        return obj;
    }

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Returns a deep copy whose object keys are sorted ordinally at every level.</summary>
    public static JsonNode? SortKeys(JsonNode? node) => node switch
    {
        JsonObject obj => SortObject(obj),
        JsonArray array => new JsonArray([.. array.Select(SortKeys)]),
        null => null,
        _ => node.DeepClone(),
    };

    private static JsonObject SortObject(JsonObject obj)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
            sorted[key] = SortKeys(value);
        return sorted;
    }
}
