using System.Globalization;
using System.Text.Json;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance.Reporting;

/// <summary>
/// Writes a report as JSON and reads it back: the run (target, role, envelope, resource version, start, duration,
/// whether it conforms, counts) and, per case, its ID, number, level, outcome, duration in seconds, message and evidence.
/// </summary>
public static class ConformanceJsonReport
{
    /// <summary>Writes <paramref name="report"/> as indented UTF-8 JSON.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write; left open.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(ConformanceReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("target", report.Target);
        writer.WriteString("role", Word(report.Role));
        writer.WriteString("envelope", Word(report.Envelope));
        writer.WriteString("resourceVersion", Word(report.ResourceVersion));
        writer.WriteString("startedAt", report.StartedAt);
        writer.WriteNumber("durationSeconds", Math.Round(report.Duration.TotalSeconds, 3));
        writer.WriteBoolean("conforms", report.Conforms);
        writer.WriteStartObject("counts");
        foreach (var outcome in Enum.GetValues<ConformanceOutcome>())
        {
            writer.WriteNumber(Word(outcome), report.Count(outcome));
        }

        writer.WriteEndObject();
        writer.WriteStartArray("cases");
        foreach (var result in report.Results)
        {
            writer.WriteStartObject();
            writer.WriteString("id", result.Case.Id);
            writer.WriteString("number", result.Case.Number);
            writer.WriteString("level", Word(result.Case.Level));
            writer.WriteString("specReference", result.Case.SpecReference);
            writer.WriteString("result", Word(result.Outcome));
            writer.WriteNumber("durationSeconds", Math.Round(result.Duration.TotalSeconds, 3));
            writer.WriteString("message", result.Message);
            writer.WriteStartArray("evidence");
            foreach (var line in result.Evidence)
            {
                writer.WriteStringValue(line);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    /// <param name="utf8Json">The JSON.</param>
    /// <returns>The report.</returns>
    /// <exception cref="FormatException">The JSON is not a conformance report; the message names the property.</exception>
    public static ConformanceReport Read(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            var root = document.RootElement;
            var results = new List<ConformanceCaseResult>();
            foreach (var item in Property(root, "cases").EnumerateArray())
            {
                var id = Property(item, "id").GetString() ?? string.Empty;
                if (!ConformanceCases.TryGet(id, out var conformanceCase))
                {
                    throw new FormatException($"'cases' names unknown case '{id}'.");
                }

                results.Add(new ConformanceCaseResult(
                    conformanceCase,
                    Parse<ConformanceOutcome>(item, "result"),
                    TimeSpan.FromSeconds(Property(item, "durationSeconds").GetDouble()),
                    Property(item, "message").GetString() ?? string.Empty,
                    Property(item, "evidence").EnumerateArray().Select(e => e.GetString() ?? string.Empty)));
            }

            return new ConformanceReport(
                Property(root, "target").GetString() ?? string.Empty,
                Parse<ConformanceRole>(root, "role"),
                Parse<HamletEnvelope>(root, "envelope"),
                Parse<HamletResourceVersion>(root, "resourceVersion"),
                Property(root, "startedAt").GetDateTimeOffset(),
                TimeSpan.FromSeconds(Property(root, "durationSeconds").GetDouble()),
                results);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException($"Not a conformance report: {ex.Message}", ex);
        }
    }

    /// <summary>The lower-case word a report uses for an enum value, such as <c>notapplicable</c> or <c>v1alpha2</c>.</summary>
    internal static string Word<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static T Parse<T>(JsonElement element, string name)
        where T : struct, Enum
    {
        var text = Property(element, name).GetString();
        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"'{name}' is '{text}', which is not a {typeof(T).Name}.");
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : throw new FormatException($"The report lacks '{name}'.");

    internal static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
