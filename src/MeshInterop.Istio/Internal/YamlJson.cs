using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MeshInterop.Istio.Internal;

/// <summary>
/// Converts between YAML documents and <see cref="JsonNode"/> trees, resolving plain scalars the way the
/// Kubernetes YAML decoder does for the YAML 1.2 core schema (null, booleans, integers, floats; all else strings).
/// </summary>
internal static class YamlJson
{
    // Deep enough for every CRD schema (about 30 levels), shallow enough to keep recursion safe.
    internal const int MaxDepth = 128;

    /// <summary>Reads every document of a (multi-document) YAML stream; empty documents become <see langword="null"/>.</summary>
    public static List<JsonNode?> ReadDocuments(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new Parser(new StringReader(yaml));
        var documents = new List<JsonNode?>();
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var node = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, 0);
            parser.Consume<DocumentEnd>();
            documents.Add(node);
        }

        parser.Consume<StreamEnd>();
        return documents;
    }

    private static JsonNode? ReadNode(IParser parser, int depth)
    {
        if (depth > MaxDepth)
            throw new FormatException($"YAML nesting deeper than {MaxDepth} levels at {parser.Current?.Start}.");

        if (parser.TryConsume<Scalar>(out var scalar))
            return ResolveScalar(scalar);

        if (parser.TryConsume<SequenceStart>(out _))
        {
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
                array.Add(ReadNode(parser, depth + 1));
            return array;
        }

        if (parser.TryConsume<MappingStart>(out _))
        {
            var obj = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = parser.Consume<Scalar>();
                var key = keyEvent.Value;
                if (obj.ContainsKey(key))
                    throw new FormatException($"Duplicate mapping key '{key}' at {keyEvent.Start}.");
                obj[key] = ReadNode(parser, depth + 1);
            }

            return obj;
        }

        // Aliases are refused on purpose: they allow exponential expansion ("billion laughs") and no CRD uses them.
        var current = parser.Current;
        throw new FormatException($"Unsupported YAML construct '{current?.GetType().Name}' at {current?.Start}; anchors and aliases are not accepted.");
    }

    private static JsonNode? ResolveScalar(Scalar scalar)
    {
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(scalar.Value);
        return ResolvePlain(scalar.Value);
    }

    /// <summary>Resolves a plain scalar by the YAML 1.2 core schema.</summary>
    internal static JsonNode? ResolvePlain(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
            default:
                break;
        }

        if (IsInteger(value))
        {
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                return JsonValue.Create(l);
            return JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (value.StartsWith("0x", StringComparison.Ordinal) && value.Length > 2
            && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);

        if (value.StartsWith("0o", StringComparison.Ordinal) && value.Length > 2 && value.AsSpan(2).IndexOfAnyExceptInRange('0', '7') < 0)
            return JsonValue.Create(Convert.ToInt64(value[2..], 8));

        if (IsFloat(value))
            return JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));

        return JsonValue.Create(value);
    }

    private static bool IsInteger(string value)
    {
        var digits = value.AsSpan(value[0] is '-' or '+' ? 1 : 0);
        return digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0;
    }

    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    private static bool IsFloat(string value)
    {
        var i = 0;
        if (i < value.Length && value[i] is '-' or '+')
            i++;
        var intDigits = CountDigits(value, ref i);
        var fracDigits = 0;
        if (i < value.Length && value[i] == '.')
        {
            i++;
            fracDigits = CountDigits(value, ref i);
        }

        if (intDigits == 0 && fracDigits == 0)
            return false;
        if (i < value.Length && value[i] is 'e' or 'E')
        {
            i++;
            if (i < value.Length && value[i] is '-' or '+')
                i++;
            if (CountDigits(value, ref i) == 0)
                return false;
        }

        return i == value.Length;
    }

    private static int CountDigits(string value, ref int i)
    {
        var start = i;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
            i++;
        return i - start;
    }

    /// <summary>Writes one or more documents as block-style YAML with <c>---</c> separators and LF line ends.</summary>
    public static string Write(IEnumerable<JsonNode?> documents)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings().WithBestIndent(2).WithBestWidth(int.MaxValue).WithNewLine("\n"));
        emitter.Emit(new StreamStart());
        var first = true;
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: first));
            WriteNode(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
            first = false;
        }

        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteNode(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                var emptyObject = obj.Count == 0;
                emitter.Emit(new MappingStart(null, null, true, emptyObject ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    WriteString(emitter, key);
                    WriteNode(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                var emptyArray = array.Count == 0;
                emitter.Emit(new SequenceStart(null, null, true, emptyArray ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                    WriteNode(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                // Numbers and booleans are written exactly as their JSON text, which YAML reads back the same.
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
            default:
                throw new InvalidOperationException($"Unexpected JSON node type {node.GetType().Name}.");
        }
    }

    private static void WriteString(IEmitter emitter, string value)
    {
        // Plain only for a conservative character set that no YAML 1.1 or 1.2 reader can take for anything but this
        // string; everything else is double-quoted (with escapes), which every reader reads back exactly.
        var plain = IsSafePlain(value) && ResolvePlain(value) is JsonValue v && v.GetValueKind() == JsonValueKind.String && !NeedsQuotes(value);
        emitter.Emit(new Scalar(null, null, value, plain ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, plain, !plain));
    }

    private static bool IsSafePlain(string value)
    {
        if (value.Length == 0 || !(char.IsAsciiLetterOrDigit(value[0]) || value[0] is '_' or '.' or '/') || value[^1] == ':')
            return false;
        return value.AsSpan().IndexOfAnyExcept(PlainChars) < 0;
    }

    private static readonly System.Buffers.SearchValues<char> PlainChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@+=:*-");

    private static readonly System.Buffers.SearchValues<char> SexagesimalChars = System.Buffers.SearchValues.Create("0123456789:.+-_");

    // YAML 1.1 readers (go-yaml v2, older kubectl) read these as booleans or sexagesimal numbers: quote them.
    private static bool NeedsQuotes(string value) =>
        value is "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO"
            or "on" or "On" or "ON" or "off" or "Off" or "OFF"
        || (value.Contains(':', StringComparison.Ordinal) && value.AsSpan().IndexOfAnyExcept(SexagesimalChars) < 0)
        || value.TrimStart('+').TrimStart('-') is ".inf" or ".Inf" or ".INF" or ".nan" or ".NaN" or ".NAN";
}
