using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Validation;

/// <summary>The annotated YAML examples in docs/istio.md must be objects the adapter could apply.</summary>
public sealed partial class DocsExamplesTests
{
    [Fact]
    public void IstioDocs_YamlExamples_PassSchemaAndWebhookOfBothReleases()
    {
        var objects = Examples().ToList();
        Assert.True(objects.Count >= 5, $"expected the docs to show at least five objects, found {objects.Count}");
        foreach (var release in IstioCrds.Releases)
        {
            var schemas = IstioCrds.For(release);
            foreach (var obj in objects)
            {
                Assert.True(schemas.TryGetSchemaFor(obj, out var schema), $"{release}: no schema for {obj["apiVersion"]} {obj["kind"]}");
                var issues = schema.Validate(obj).Issues.Concat(IstioWebhookValidator.Validate(obj).Issues).ToList();
                Assert.True(issues.Count == 0, $"{release} {obj["kind"]} {obj["metadata"]?["name"]}: {string.Join("; ", issues)}");
            }
        }
    }

    private static IEnumerable<JsonObject> Examples([CallerFilePath] string caller = "")
    {
        var docs = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "..", "docs", "istio.md"));
        foreach (Match block in YamlBlock().Matches(File.ReadAllText(docs).ReplaceLineEndings("\n")))
        {
            foreach (var node in YamlJson.ReadDocuments(block.Groups[1].Value))
            {
                if (node is JsonObject obj)
                    yield return obj;
            }
        }
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex YamlBlock();
}
