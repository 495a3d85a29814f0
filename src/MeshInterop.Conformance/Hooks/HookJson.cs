using System.Text.Json;

namespace MeshInterop.Conformance.Hooks;

/// <summary>Reads what a hook lists: a JSON array whose elements are service objects.</summary>
internal static class HookJson
{
    public static IReadOnlyList<string> ReadServiceArray(string json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ConformanceHookException($"{what} must be a JSON array of services; it is a JSON {document.RootElement.ValueKind}.");
            }

            var services = new List<string>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new ConformanceHookException($"{what} must hold service objects; element {services.Count} is a JSON {element.ValueKind}.");
                }

                services.Add(element.GetRawText());
            }

            return services;
        }
        catch (JsonException ex)
        {
            throw new ConformanceHookException($"{what} is not valid JSON: {ex.Message}", ex);
        }
    }
}
