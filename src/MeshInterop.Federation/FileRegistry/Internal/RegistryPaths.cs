using Microsoft.Extensions.Hosting;

namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>Resolves the configured paths against the host's content root, as ASP.NET Core does for its own files.</summary>
internal static class RegistryPaths
{
    public static string Resolve(string path, IHostEnvironment? environment) =>
        Path.GetFullPath(path, environment?.ContentRootPath is { Length: > 0 } root ? root : Directory.GetCurrentDirectory());
}
