namespace MeshInterop.Protocol.Tests.WireContract;

/// <summary>Reads the protoc-generated golden fixtures copied next to the test assembly.</summary>
internal static class GoldenFixture
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Golden");

    public static IEnumerable<string> Names =>
        System.IO.Directory.EnumerateFiles(Directory, "*.txtpb")
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Order(StringComparer.Ordinal);

    public static byte[] Bytes(string name)
    {
        var path = Path.Combine(Directory, name + ".hex");
        Assert.True(File.Exists(path), $"Missing {path}; run Golden/generate.sh and read the diff.");
        return Convert.FromHexString(File.ReadAllText(path).Trim());
    }

    public static string MessageType(string name) =>
        File.ReadLines(Path.Combine(Directory, name + ".txtpb")).First()["# message: ".Length..];
}
