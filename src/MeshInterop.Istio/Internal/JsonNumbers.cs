using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshInterop.Istio.Internal;

/// <summary>Reads numbers out of <see cref="JsonValue"/>s whatever CLR type backs them (parsed text or built values).</summary>
internal static class JsonNumbers
{
    /// <summary>Reads a number; <paramref name="isInteger"/> is true only for integral literals (JSON <c>1</c>, not <c>1.0</c>).</summary>
    public static bool TryGet(JsonNode? node, out double number, out bool isInteger)
    {
        number = 0;
        isInteger = false;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
            return false;
        if (value.TryGetValue<JsonElement>(out var element))
        {
            isInteger = element.TryGetInt64(out var l);
            number = isInteger ? l : element.GetDouble();
            return true;
        }

        if (value.TryGetValue<long>(out var int64)) { number = int64; isInteger = true; return true; }
        if (value.TryGetValue<int>(out var int32)) { number = int32; isInteger = true; return true; }
        if (value.TryGetValue<uint>(out var uint32)) { number = uint32; isInteger = true; return true; }
        if (value.TryGetValue<ulong>(out var uint64)) { number = uint64; isInteger = true; return true; }
        if (value.TryGetValue<double>(out var d)) { number = d; return true; }
        if (value.TryGetValue<float>(out var f)) { number = f; return true; }
        if (value.TryGetValue<decimal>(out var m)) { number = (double)m; return true; }
        return false;
    }

    /// <summary>Reads an integral number that fits a <see cref="long"/>.</summary>
    public static bool TryGetInteger(JsonNode? node, out long integer)
    {
        integer = 0;
        if (!TryGet(node, out var number, out var isInteger) || !isInteger)
            return false;
        integer = (long)number;
        return true;
    }

    public static bool TryGetString(JsonNode? node, out string text)
    {
        text = string.Empty;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            return false;
        text = value.GetValue<string>();
        return true;
    }
}
