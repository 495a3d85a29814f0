using System.Runtime.CompilerServices;

namespace MeshInterop.Istio.Tests.TestData;

/// <summary>
/// Locates the shared Istio research data (CRDs and Istio's validation corpus) next to the repository, without ever
/// copying it in: walks up from this source file and from the test assembly until a <c>shared/research-data</c>
/// folder exists as a sibling or one level further up.
/// </summary>
internal static class ResearchData
{
    public const string Istio1246 = "istio-1.24.6";
    public const string Istio1303 = "istio-1.30.3";

    private static readonly Lazy<string?> Root = new(() => Find(SourceDirectory()) ?? Find(AppContext.BaseDirectory));

    /// <summary>Gets the <c>research-data/istio</c> folder, or <see langword="null"/> when it is not there.</summary>
    public static string? IstioFolder => Root.Value is { } root ? Path.Combine(root, "istio") : null;

    public static string SkipReason =>
        "Istio research data not found: no shared/research-data folder beside or above the repository, so the CRD and corpus tests are skipped.";

    public static string CrdPath(string release) => Path.Combine(RequireIstioFolder(), release, "crd-all.gen.yaml");

    public static string CorpusFolder => Path.Combine(RequireIstioFolder(), Istio1303, "validation-testdata-crds");

    public static string RequireIstioFolder()
    {
        var folder = IstioFolder;
        Assert.SkipWhen(folder is null, SkipReason);
        return folder!;
    }

    private static string? Find(string? start)
    {
        for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in (string[])[Path.Combine(dir.FullName, "shared", "research-data"), Path.Combine(dir.FullName, "..", "shared", "research-data")])
            {
                if (Directory.Exists(Path.Combine(candidate, "istio")))
                    return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private static string? SourceDirectory([CallerFilePath] string path = "") =>
        string.IsNullOrEmpty(path) || !File.Exists(path) ? null : Path.GetDirectoryName(path);
}
