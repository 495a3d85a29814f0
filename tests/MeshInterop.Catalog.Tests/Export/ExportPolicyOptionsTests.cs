using System.Text.Json;
using System.Text.Json.Serialization;
using MeshInterop.Catalog.Export;

namespace MeshInterop.Catalog.Tests.Export;

public sealed class ExportPolicyOptionsTests
{
    // The example of docs/catalog.md, "Export policy".
    private const string DocumentedPolicy = """
        {
          "Allow": [
            { "Names": [ "web-*", "payments" ] },
            {
              "Selector": {
                "MatchLabels": { "export": "true" },
                "MatchExpressions": [ { "Key": "tier", "Operator": "In", "Values": [ "frontend", "api" ] } ]
              }
            },
            { "Tags": [ "public" ] }
          ],
          "Deny": [
            { "Names": [ "*-internal" ] },
            { "Selector": { "MatchExpressions": [ { "Key": "canary", "Operator": "Exists" } ] } }
          ],
          "TransitiveExport": false
        }
        """;

    private static readonly JsonSerializerOptions Json = new()
    {
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        Converters = { new JsonStringEnumConverter() },
    };

    [Fact]
    public void Deserialize_DocumentedExample_CompilesAndDecidesAsDocumented()
    {
        var options = JsonSerializer.Deserialize<ExportPolicyOptions>(DocumentedPolicy, Json)!;
        var filter = ExportFilter.Create("nsxsm", options);
        var none = new Dictionary<string, string>();

        Assert.Equal(3, options.Allow.Count);
        Assert.True(filter.Selects("web-frontend", none, []));
        Assert.True(filter.Selects("payments", none, []));
        Assert.True(filter.Selects("orders", new Dictionary<string, string> { ["export"] = "true", ["tier"] = "api" }, []));
        Assert.False(filter.Selects("orders", new Dictionary<string, string> { ["export"] = "true", ["tier"] = "db" }, []));
        Assert.True(filter.Selects("search", none, ["public"]));
        Assert.False(filter.Selects("web-internal", none, []));
        Assert.False(filter.Selects("web-frontend", new Dictionary<string, string> { ["canary"] = "" }, []));
        Assert.False(filter.Selects("orders", none, []));
    }
}
