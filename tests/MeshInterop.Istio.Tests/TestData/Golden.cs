using System.Runtime.CompilerServices;

namespace MeshInterop.Istio.Tests.TestData;

/// <summary>Golden-file comparison; <c>MESHINTEROP_UPDATE_GOLDEN=1</c> rewrites the files so the change shows in the diff.</summary>
internal static class Golden
{
    public static void AssertMatches(string actual, string name, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable("MESHINTEROP_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Missing {path}; run with MESHINTEROP_UPDATE_GOLDEN=1 and read the diff.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
