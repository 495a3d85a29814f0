using System.Text.Json.Nodes;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.FakeKubernetes;

public sealed class FieldPathsTests
{
    [Fact]
    public void Leaves_ObjectsGranularListsAtomicIdentityExcluded()
    {
        var obj = (JsonObject)JsonNode.Parse("""
            {"apiVersion":"v1","kind":"K","metadata":{"name":"n","namespace":"ns","labels":{"app.kubernetes.io/name":"x"}},
             "spec":{"hosts":["a","b"],"tls":{"mode":"SIMPLE"},"empty":{}},"status":{"x":1}}
            """)!;
        var leaves = FieldPaths.Leaves(obj).Select(FieldPaths.Display).Order(StringComparer.Ordinal);
        Assert.Equal([".metadata.labels.app.kubernetes.io/name", ".spec.empty", ".spec.hosts", ".spec.tls.mode"], leaves);
    }

    [Fact]
    public void Remove_LastFieldOfParent_RemovesEmptyParents()
    {
        var obj = (JsonObject)JsonNode.Parse("""{"spec":{"tls":{"mode":"SIMPLE"},"host":"h"}}""")!;
        FieldPaths.Remove(obj, FieldPaths.Join("spec", "tls", "mode"));
        Assert.Equal("""{"spec":{"host":"h"}}""", obj.ToJsonString());
    }

    [Fact]
    public void ToFieldsV1_WritesKubernetesFieldSetShape() =>
        Assert.Equal("""{"f:spec":{"f:hosts":{},"f:tls":{"f:mode":{}}}}""",
            FieldPaths.ToFieldsV1([FieldPaths.Join("spec", "tls", "mode"), FieldPaths.Join("spec", "hosts")]).ToJsonString());
}
