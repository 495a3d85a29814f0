using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Internal.Kubernetes;

/// <summary>
/// Reads the structural schemas of the installed Istio release from the cluster: the
/// <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition of every kind the adapter emits, by name
/// (<c>&lt;plural&gt;.&lt;group&gt;</c>, so RBAC can restrict <c>get</c> to those names). The package ships no schema:
/// the one to validate against is the one the cluster enforces.
/// </summary>
internal sealed class IstioCrdSchemaLoader(k8s.Kubernetes client)
{
    /// <summary>Loads the schemas; a CRD that is not installed is left out (its kind is then unsupported).</summary>
    public async Task<CrdSchemaSet> LoadAsync(CancellationToken cancellationToken)
    {
        var definitions = new List<JsonObject>();
        foreach (var type in IstioResourceType.All)
        {
            var name = type.Plural + "." + type.Group;
            try
            {
                var body = await client.CustomObjects.GetClusterCustomObjectAsync(
                    "apiextensions.k8s.io", "v1", "customresourcedefinitions", name, cancellationToken).ConfigureAwait(false);
                var json = body is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(body);
                if (JsonNode.Parse(json) is JsonObject definition)
                    definitions.Add(definition);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Not installed: discovery reports the kind unsupported.
            }
            catch (HttpOperationException ex)
            {
                throw KubernetesApiException.From(ex, $"Read of CustomResourceDefinition '{name}'");
            }
        }

        return CrdSchemaSet.FromCustomResourceDefinitions(definitions);
    }
}
