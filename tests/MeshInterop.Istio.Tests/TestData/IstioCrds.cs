using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.TestData;

/// <summary>The CRD schemas of both shipped Istio releases, parsed once per test run.</summary>
internal static class IstioCrds
{
    private static readonly Lazy<CrdSchemaSet> V1246 = new(() => CrdSchemaSet.Parse(File.ReadAllText(ResearchData.CrdPath(ResearchData.Istio1246))));
    private static readonly Lazy<CrdSchemaSet> V1303 = new(() => CrdSchemaSet.Parse(File.ReadAllText(ResearchData.CrdPath(ResearchData.Istio1303))));

    public static IReadOnlyList<string> Releases { get; } = [ResearchData.Istio1246, ResearchData.Istio1303];

    public static CrdSchemaSet For(string release)
    {
        ResearchData.RequireIstioFolder();
        return release switch
        {
            ResearchData.Istio1246 => V1246.Value,
            ResearchData.Istio1303 => V1303.Value,
            _ => throw new ArgumentOutOfRangeException(nameof(release), release, "Unknown Istio release."),
        };
    }
}
