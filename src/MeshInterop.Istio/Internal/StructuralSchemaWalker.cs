using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Internal;

/// <summary>
/// Validates a value against a Kubernetes structural schema the way the API server does with
/// <c>fieldValidation=Strict</c>. A purpose-built walker because generic JSON Schema validators do not know the
/// <c>x-kubernetes-*</c> extensions (int-or-string, preserve-unknown-fields, list-map keys) and do not treat unknown
/// fields as errors. Messages follow the API server's wording so they can be compared with its answers.
/// </summary>
internal sealed class StructuralSchemaWalker
{
    // Patterns come from CRDs (Kubernetes' own RE2 patterns). NonBacktracking runs in linear time like RE2 and, like
    // RE2, refuses look-arounds and back-references; the timeout is a second guard against a hostile schema.
    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(250);

    // ObjectMeta is validated by the API server itself, not by the CRD schema; these are the fields a client may send.
    private static readonly HashSet<string> MetadataFields = new(StringComparer.Ordinal)
    {
        "name", "generateName", "namespace", "labels", "annotations", "finalizers", "ownerReferences", "uid",
        "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "managedFields", "selfLink",
    };

    private readonly List<ValidationIssue> _issues = [];
    private readonly List<string> _unchecked;
    private readonly bool _valueOnly;
    private bool _skipRootIdentity;
    private int _schemaErrors;

    private StructuralSchemaWalker(bool valueOnly, List<string> uncheckedRules)
    {
        _valueOnly = valueOnly;
        _unchecked = uncheckedRules;
    }

    public static ValidationResult Validate(JsonObject obj, JsonObject root)
    {
        var walker = new StructuralSchemaWalker(valueOnly: false, []);
        walker.WalkRoot(obj, root);
        return new ValidationResult(walker._issues, walker._unchecked);
    }

    private void WalkRoot(JsonObject obj, JsonObject root)
    {
        foreach (var field in (string[])["apiVersion", "kind"])
        {
            if (!JsonNumbers.TryGetString(obj[field], out var text) || text.Length == 0)
                Error(field, "Required value");
        }

        if (obj["metadata"] is JsonObject metadata)
            WalkMetadata(metadata);
        else if (obj["metadata"] is not null)
            Error("metadata", TypeMessage(obj["metadata"], "metadata", "object"));

        // The root is walked in place (no copy without the identity fields): apiVersion, kind and metadata are skipped.
        _skipRootIdentity = true;
        Walk(obj, root, string.Empty);
    }

    private void WalkMetadata(JsonObject metadata)
    {
        foreach (var (key, value) in metadata)
        {
            var path = "metadata." + key;
            if (!MetadataFields.Contains(key))
                Error(path, "Unknown field: not declared in the schema");
            else if (key is "labels" or "annotations")
            {
                if (value is not JsonObject map)
                {
                    Error(path, TypeMessage(value, path, "object"));
                    continue;
                }

                foreach (var (mapKey, mapValue) in map)
                {
                    if (!JsonNumbers.TryGetString(mapValue, out _))
                        Error($"{path}[{mapKey}]", TypeMessage(mapValue, $"{path}[{mapKey}]", "string"));
                }
            }
            else if (key is "name" or "namespace" or "generateName" && !JsonNumbers.TryGetString(value, out _))
                Error(path, TypeMessage(value, path, "string"));
        }
    }

    private void Walk(JsonNode? value, JsonObject schema, string path)
    {
        if (value is null)
        {
            // null is a value of its own: accepted only where the schema says nullable (or has no type at all).
            if (!Flag(schema, "nullable") && (schema["type"] is not null || Flag(schema, "x-kubernetes-int-or-string")))
                Error(path, TypeMessage(null, path, Flag(schema, "x-kubernetes-int-or-string") ? "integer or string" : (string)schema["type"]!));
            return;
        }

        if (!CheckType(value, schema, path))
            return;

        var schemaErrorsBefore = _schemaErrors;

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            var supported = string.Join(", ", allowed.Select(a => a?.ToJsonString() ?? "null"));
            Error(path, $"Unsupported value: {value.ToJsonString()}: supported values: {supported}");
        }

        switch (value)
        {
            case JsonObject obj:
                WalkObject(obj, schema, path);
                break;
            case JsonArray array:
                WalkArray(array, schema, path);
                break;
            default:
                CheckScalar((JsonValue)value, schema, path);
                break;
        }

        WalkJunctors(value, schema, path);

        // CEL rules assume a well-typed value; on one whose schema checks already failed they would only add noise.
        if (schema["x-kubernetes-validations"] is JsonArray rules && _schemaErrors == schemaErrorsBefore)
        {
            foreach (var rule in rules.OfType<JsonObject>())
            {
                if ((string?)rule["rule"] is not { Length: > 0 } text)
                    continue;
                var message = (string?)rule["message"] ?? "failed rule: " + text;
                switch (CelRules.Evaluate(text, value, out var error))
                {
                    case CelOutcome.Failed:
                        _issues.Add(new ValidationIssue(Display(path), $"Invalid value: \"{Kind(value)}\": {message}{(error is null ? string.Empty : $" ({error})")}"));
                        break;
                    case CelOutcome.Unsupported:
                        _unchecked.Add($"{Display(path)}: {message}");
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private bool CheckType(JsonNode value, JsonObject schema, string path)
    {
        var kind = value.GetValueKind();
        if (Flag(schema, "x-kubernetes-int-or-string"))
        {
            if (kind == JsonValueKind.String || JsonNumbers.TryGet(value, out _, out var integral) && integral)
                return true;
            Error(path, TypeMessage(value, path, "integer or string"));
            return false;
        }

        var type = (string?)schema["type"];
        var ok = type switch
        {
            null => true,
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "number" => kind == JsonValueKind.Number,
            "integer" => JsonNumbers.TryGet(value, out _, out var isInteger) && isInteger,
            _ => false,
        };
        if (!ok)
            Error(path, TypeMessage(value, path, type!));
        return ok;
    }

    private void WalkObject(JsonObject obj, JsonObject schema, string path)
    {
        var skipIdentity = _skipRootIdentity && path.Length == 0;
        _skipRootIdentity = false;
        if (Integer(schema, "minProperties") is { } minProperties && obj.Count < minProperties)
            Error(path, $"Invalid value: {obj.Count}: {Display(path)} in body should have at least {minProperties} properties");
        if (Integer(schema, "maxProperties") is { } maxProperties && obj.Count > maxProperties)
            Error(path, $"Too many: {obj.Count}: must have at most {maxProperties} items");

        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => (string?)r).OfType<string>())
            {
                if (!obj.ContainsKey(name))
                    Error(Child(path, name), "Required value");
            }
        }

        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserveUnknown = Flag(schema, "x-kubernetes-preserve-unknown-fields");
        foreach (var (key, child) in obj)
        {
            if (skipIdentity && key is "apiVersion" or "kind" or "metadata")
                continue;
            if (properties?[key] is JsonObject propertySchema)
                Walk(child, propertySchema, Child(path, key));
            else if (additional is JsonObject valueSchema)
                Walk(child, valueSchema, $"{path}[{key}]");
            else if (!_valueOnly && !preserveUnknown && !Flag(schema, "additionalProperties"))
                Error(Child(path, key), "Unknown field: not declared in the schema");
        }
    }

    private void WalkArray(JsonArray array, JsonObject schema, string path)
    {
        if (Integer(schema, "minItems") is { } minItems && array.Count < minItems)
            Error(path, $"Invalid value: {array.Count}: {Display(path)} in body should have at least {minItems} items");
        if (Integer(schema, "maxItems") is { } maxItems && array.Count > maxItems)
            Error(path, $"Too many: {array.Count}: must have at most {maxItems} items");

        var itemSchema = schema["items"] as JsonObject;
        if (itemSchema is not null)
        {
            for (var i = 0; i < array.Count; i++)
                Walk(array[i], itemSchema, Index(path, i));
        }

        switch ((string?)schema["x-kubernetes-list-type"])
        {
            case "map" when schema["x-kubernetes-list-map-keys"] is JsonArray keyNames:
                var names = keyNames.Select(k => (string?)k).OfType<string>().ToArray();
                // Keys the item schema already requires are reported once, by the item walk.
                var requiredByItem = (itemSchema?["required"] as JsonArray)?.Select(r => (string?)r).ToHashSet(StringComparer.Ordinal) ?? [];
                var seenKeys = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject item)
                        continue;
                    var key = new JsonObject();
                    foreach (var name in names)
                    {
                        if (item[name] is null && !requiredByItem.Contains(name))
                            Error(Child(Index(path, i), name), "Required value: list-map key of " + Display(path));
                        key[name] = item[name]?.DeepClone();
                    }

                    if (!seenKeys.Add(key.ToJsonString()))
                        Error(Index(path, i), "Duplicate value: " + key.ToJsonString());
                }

                break;
            case "set":
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < array.Count; i++)
                {
                    var text = array[i]?.ToJsonString() ?? "null";
                    if (!seen.Add(text))
                        Error(Index(path, i), "Duplicate value: " + text);
                }

                break;
            default:
                break;
        }
    }

    private void CheckScalar(JsonValue value, JsonObject schema, string path)
    {
        if (JsonNumbers.TryGetString(value, out var text))
        {
            var length = 0;
            foreach (var _ in text.EnumerateRunes())
                length++;
            if (Integer(schema, "maxLength") is { } maxLength && length > maxLength)
                Error(path, $"Too long: may not be more than {maxLength} bytes");
            if (Integer(schema, "minLength") is { } minLength && length < minLength)
                Error(path, $"Invalid value: {value.ToJsonString()}: {Display(path)} in body should be at least {minLength} chars long");
            if ((string?)schema["pattern"] is { } pattern && !Matches(pattern, text))
                Error(path, $"Invalid value: {value.ToJsonString()}: {Display(path)} in body should match '{pattern}'");
            return;
        }

        if (!JsonNumbers.TryGet(value, out var number, out _))
            return;
        var shown = value.ToJsonString();
        if (Number(schema, "minimum") is { } minimum)
        {
            var exclusive = Flag(schema, "exclusiveMinimum");
            if (exclusive ? number <= minimum : number < minimum)
                Error(path, $"Invalid value: {shown}: {Display(path)} in body should be greater than {(exclusive ? string.Empty : "or equal to ")}{Format(minimum)}");
        }

        if (Number(schema, "maximum") is { } maximum)
        {
            var exclusive = Flag(schema, "exclusiveMaximum");
            if (exclusive ? number >= maximum : number > maximum)
                Error(path, $"Invalid value: {shown}: {Display(path)} in body should be less than {(exclusive ? string.Empty : "or equal to ")}{Format(maximum)}");
        }
    }

    private void WalkJunctors(JsonNode value, JsonObject schema, string path)
    {
        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var sub in allOf.OfType<JsonObject>())
                _issues.AddRange(ValueOnly(value, sub, path));
        }

        if (schema["anyOf"] is JsonArray anyOf && !anyOf.OfType<JsonObject>().Any(sub => ValueOnly(value, sub, path).Count == 0))
            Error(path, $"Invalid value: \"{Kind(value)}\": {Display(path)} in body must validate at least one schema (anyOf)");

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var passing = oneOf.OfType<JsonObject>().Count(sub => ValueOnly(value, sub, path).Count == 0);
            if (passing != 1)
                Error(path, $"Invalid value: \"{Kind(value)}\": {Display(path)} in body must validate one and only one schema (oneOf). Found {passing} valid alternatives");
        }

        if (schema["not"] is JsonObject not && ValueOnly(value, not, path).Count == 0)
            Error(path, $"Invalid value: \"{Kind(value)}\": {Display(path)} in body must not validate the schema (not)");
    }

    // Sub-schemas of allOf/anyOf/oneOf/not carry value validations only (structural schemas forbid types there);
    // their unknown-field and CEL bookkeeping must not leak into the main result.
    private static List<ValidationIssue> ValueOnly(JsonNode value, JsonObject schema, string path)
    {
        var walker = new StructuralSchemaWalker(valueOnly: true, []);
        walker.Walk(value, schema, path);
        return walker._issues;
    }

    private static bool Matches(string pattern, string text)
    {
        var regex = Patterns.GetOrAdd(pattern, static p =>
        {
            try
            {
                return new Regex(p, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, PatternTimeout);
            }
            catch (ArgumentException)
            {
                return null;
            }
        });
        if (regex is null)
            return false; // a pattern outside the RE2 subset cannot be checked: fail closed
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private void Error(string path, string message)
    {
        _schemaErrors++;
        _issues.Add(new ValidationIssue(Display(path), message));
    }

    private static string Display(string path) => path.StartsWith('.') ? path[1..] : path;

    private static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static bool Flag(JsonObject schema, string name) =>
        schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static long? Integer(JsonObject schema, string name) =>
        JsonNumbers.TryGet(schema[name], out var n, out _) ? (long)n : null;

    private static double? Number(JsonObject schema, string name) =>
        JsonNumbers.TryGet(schema[name], out var n, out _) ? n : null;

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Kind(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => JsonNumbers.TryGet(value, out _, out var i) && i ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string TypeMessage(JsonNode? value, string path, string expected) =>
        $"Invalid value: \"{Kind(value)}\": {Display(path)} in body must be of type {expected}: \"{Kind(value)}\"";
}
