using System.Net;
using k8s;
using k8s.Autorest;
using MeshInterop.Istio.Import;

namespace MeshInterop.Istio.Internal.Kubernetes;

/// <summary>Reads the local Kubernetes Services that import hosts may collide with (reference section 6.5).</summary>
internal sealed class LocalServiceReader(k8s.Kubernetes client)
{
    /// <summary>The Service, or <see langword="null"/> when it does not exist or is itself one of MeshInterop's objects.</summary>
    public async Task<IstioLocalService?> ReadAsync(string ns, string name, CancellationToken cancellationToken)
    {
        k8s.Models.V1Service service;
        try
        {
            service = await client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException ex)
        {
            throw KubernetesApiException.From(ex, $"Read of Service '{ns}/{name}'");
        }

        if (service.Metadata?.Labels?.TryGetValue(IstioObjectNaming.ManagedByLabel, out var manager) == true
            && string.Equals(manager, IstioObjectNaming.ManagedByValue, StringComparison.Ordinal))
            return null;

        return new IstioLocalService
        {
            Namespace = ns,
            Name = name,
            Selector = new Dictionary<string, string>(service.Spec?.Selector ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            PortNames = (service.Spec?.Ports ?? []).Where(p => !string.IsNullOrEmpty(p.Name)).GroupBy(p => p.Port).ToDictionary(g => g.Key, g => g.First().Name),
        };
    }
}
