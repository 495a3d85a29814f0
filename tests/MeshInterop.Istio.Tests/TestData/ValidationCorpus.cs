using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Tests.TestData;

/// <summary>One document of Istio's CRD validation corpus.</summary>
/// <param name="File">The corpus file name, for example <c>serviceentry-invalid.yaml</c>.</param>
/// <param name="Index">The position of the document in the file, from 0, counting commented-out documents.</param>
/// <param name="Object">The object with the top-level <c>_err</c> removed.</param>
/// <param name="ExpectedError">The <c>_err</c> substring, or <see langword="null"/> for a valid document.</param>
/// <param name="WebhookOnly">Whether the document was commented out (<c>#_err: "TODO"</c>): the CRD misses it, the webhook must catch it.</param>
internal sealed record CorpusDocument(string File, int Index, JsonObject Object, string? ExpectedError, bool WebhookOnly)
{
    public string Id => $"{File}#{Index}:{Name}";

    public string Kind => (string?)Object["kind"] ?? string.Empty;

    public string Name => (string?)Object["metadata"]?["name"] ?? "(unnamed)";
}

/// <summary>Reads Istio's validation corpus from the research data folder, strips <c>_err</c>, and keeps commented-out cases.</summary>
internal static partial class ValidationCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusDocument>> All = new(Load);

    public static IReadOnlyList<CorpusDocument> Documents => All.Value;

    public static CorpusDocument Get(string id) => Documents.Single(d => string.Equals(d.Id, id, StringComparison.Ordinal));

    /// <summary>Theory rows, one per corpus document; a single skipped row when the research data is absent.</summary>
    public static IEnumerable<TheoryDataRow<string>> Rows(Func<CorpusDocument, bool> filter)
    {
        if (ResearchData.IstioFolder is null)
            return [new TheoryDataRow<string>("(research data absent)") { Skip = ResearchData.SkipReason }];
        return Documents.Where(filter).Select(d => new TheoryDataRow<string>(d.Id));
    }

    private static List<CorpusDocument> Load()
    {
        var documents = new List<CorpusDocument>();
        foreach (var path in Directory.GetFiles(ResearchData.CorpusFolder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            var index = 0;
            foreach (var chunk in Separator().Split(File.ReadAllText(path).ReplaceLineEndings("\n")))
            {
                var lines = chunk.Split('\n');
                var live = lines.Any(l => l.Length > 0 && !l.StartsWith('#'));
                string yaml;
                bool webhookOnly;
                if (live)
                    (yaml, webhookOnly) = (chunk, false);
                else if (lines.Any(l => l.StartsWith("#_err:", StringComparison.Ordinal)))
                    (yaml, webhookOnly) = (string.Join('\n', lines.Select(l => l.StartsWith('#') ? l[1..] : l)), true);
                else
                    continue;

                foreach (var node in YamlJson.ReadDocuments(yaml))
                {
                    if (node is not JsonObject obj)
                        continue;
                    var expected = (string?)obj["_err"];
                    obj.Remove("_err");
                    documents.Add(new CorpusDocument(file, index++, obj, expected, webhookOnly));
                }
            }
        }

        return documents;
    }

    [GeneratedRegex(@"^#?---\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Separator();
}
