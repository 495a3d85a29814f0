using System.Reflection;
using System.Text;
using MeshInterop.Catalog;
using MeshInterop.Conformance.Catalog;

namespace MeshInterop.Conformance.Tests.Catalog;

/// <summary>
/// Fails when an <see cref="ICatalogSource"/> or <see cref="ICatalogSink"/> in a MeshInterop library has neither a
/// test class that inherits its conformance suite (in any test project) nor an entry in <see cref="Skipped"/>.
/// <para/>
/// Implementations are found by reflection over every library under <c>src/</c>; suite classes by reading the
/// test sources, because they live in the test project of their package (next to its registry doubles), which
/// this project does not reference. The reading is pinned against reflection over this project's own suite classes.
/// </summary>
public sealed class CatalogSuiteGuardTests
{
    /// <summary>Implementations deliberately without a suite, each with the reason.</summary>
    private static readonly SkippedSuite[] Skipped =
    [
    ];

    private enum Suite
    {
        Source,
        Sink,
    }

    [Fact]
    public void Implementations_InEveryMeshInteropLibrary_HaveASuiteOrADeclaredSkip()
    {
        var covered = FindSuiteClasses(Path.Combine(RepositoryRoot(), "tests"));
        var problems = new List<string>();
        foreach (var (type, suite) in FindImplementations(problems))
        {
            var hasSuite = covered.Contains((suite, type.Name));
            var skip = Skipped.FirstOrDefault(s => s.Suite == suite && s.TypeName == type.FullName);
            if (!hasSuite && skip is null)
            {
                problems.Add(
                    $"{type.FullName} implements {InterfaceOf(suite).Name} but no test class inherits {SuiteName(suite)}<{type.Name}>. "
                    + $"Add one (docs/conformance.md, \"Source and sink suites\"), or list it in {nameof(CatalogSuiteGuardTests)}.{nameof(Skipped)} with a reason.");
            }
            else if (hasSuite && skip is not null)
            {
                problems.Add($"{type.FullName} has a {SuiteName(suite)} class now; remove its entry from {nameof(CatalogSuiteGuardTests)}.{nameof(Skipped)}.");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Skipped_EveryEntry_NamesAnImplementationAndGivesAReason()
    {
        var problems = new List<string>();
        var implementations = FindImplementations(problems).Select(i => (i.Suite, i.Type.FullName)).ToHashSet();
        foreach (var skip in Skipped)
        {
            if (!implementations.Contains((skip.Suite, skip.TypeName)))
            {
                problems.Add($"{nameof(Skipped)} lists {skip.TypeName} as an {InterfaceOf(skip.Suite).Name}, which no MeshInterop library holds; remove the entry.");
            }

            if (string.IsNullOrWhiteSpace(skip.Reason))
            {
                problems.Add($"{nameof(Skipped)} lists {skip.TypeName} without a reason.");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void FindSuiteClasses_ThisProject_FindsWhatReflectionFinds()
    {
        var byReflection = typeof(CatalogSuiteGuardTests).Assembly.GetTypes()
            .Where(t => !t.IsAbstract)
            .SelectMany(t => SuitesInherited(t).Select(s => (s.Suite, s.Implementation.Name)))
            .ToHashSet();
        var projectDirectory = Path.Combine(RepositoryRoot(), "tests", typeof(CatalogSuiteGuardTests).Assembly.GetName().Name!);

        var bySource = FindSuiteClasses(projectDirectory);

        Assert.NotEmpty(byReflection);
        Assert.Equal(byReflection.Order(), bySource.Order());
    }

    [Fact]
    public void FindSuiteClasses_DeclarationsSpreadOverLinesOrAbstract_ReadsThemRight()
    {
        // The suite names are spelled out only at run time, so the guard does not read this sample as real classes.
        const string Sample = """
            namespace X;
            public sealed class ConsulSinkTests
                : MeshInterop.Conformance.Catalog.CatalogSinkSUITE<
                    global::MeshInterop.Consul.Internal.ConsulImportSink>, IAsyncLifetime
            {
            }
            public abstract class SharedSourceTests<T> : CatalogSourceSUITE<T> where T : ICatalogSource { }
            // A comment naming CatalogSourceSUITE<NotAClass> is not a class.
            internal sealed class FileSourceTests : CatalogSourceSUITE<FileRegistrySource> { }
            """;

        var found = ReadSuiteClasses(Sample.Replace("SUITE", "ConformanceTests", StringComparison.Ordinal));

        Assert.Equal([(Suite.Source, "FileRegistrySource"), (Suite.Sink, "ConsulImportSink")], found.Order());
    }

    private static Type InterfaceOf(Suite suite) => suite == Suite.Source ? typeof(ICatalogSource) : typeof(ICatalogSink);

    private static string SuiteName(Suite suite) => suite == Suite.Source ? "CatalogSourceConformanceTests" : "CatalogSinkConformanceTests";

    private static IEnumerable<(Suite Suite, Type Implementation)> SuitesInherited(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (!t.IsGenericType)
            {
                continue;
            }

            var definition = t.GetGenericTypeDefinition();
            if (definition == typeof(CatalogSourceConformanceTests<>))
            {
                yield return (Suite.Source, t.GetGenericArguments()[0]);
            }
            else if (definition == typeof(CatalogSinkConformanceTests<>))
            {
                yield return (Suite.Sink, t.GetGenericArguments()[0]);
            }
        }
    }

    // Every class in a MeshInterop library (src/, the command-line tool aside) that implements a contract.
    private static List<(Type Type, Suite Suite)> FindImplementations(List<string> problems)
    {
        var found = new List<(Type, Suite)>();
        foreach (var project in Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories))
        {
            if (File.ReadAllText(project).Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal))
            {
                continue;                                       // the meshinterop tool is an executable, not a library
            }

            var name = Path.GetFileNameWithoutExtension(project);
            Assembly assembly;
            try
            {
                assembly = Assembly.Load(new AssemblyName(name));
            }
            catch (FileNotFoundException)
            {
                problems.Add($"{name} is not loaded: add a ProjectReference to src/{name} in tests/MeshInterop.Conformance.Tests, so the guard sees its implementations.");
                continue;
            }

            foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract))
            {
                if (typeof(ICatalogSource).IsAssignableFrom(type))
                {
                    found.Add((type, Suite.Source));
                }

                if (typeof(ICatalogSink).IsAssignableFrom(type))
                {
                    found.Add((type, Suite.Sink));
                }
            }
        }

        return found;
    }

    private static HashSet<(Suite Suite, string Implementation)> FindSuiteClasses(string directory)
    {
        var found = new HashSet<(Suite, string)>();
        foreach (var file in Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                || relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
            {
                continue;
            }

            found.UnionWith(ReadSuiteClasses(File.ReadAllText(file)));
        }

        return found;
    }

    // Reads "class X : ... CatalogSourceConformanceTests<Y>" declarations of non-abstract classes from C# text.
    private static List<(Suite Suite, string Implementation)> ReadSuiteClasses(string text)
    {
        var code = WithoutComments(text);
        var found = new List<(Suite, string)>();
        foreach (var (suite, marker) in new[] { (Suite.Source, "CatalogSourceConformanceTests<"), (Suite.Sink, "CatalogSinkConformanceTests<") })
        {
            for (var at = code.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = code.IndexOf(marker, at + 1, StringComparison.Ordinal))
            {
                var declarationStart = code.LastIndexOfAny(['{', '}', ';'], at) + 1;
                var declaration = code[declarationStart..at];
                var classAt = declaration.IndexOf("class ", StringComparison.Ordinal);
                if (classAt < 0 || !declaration.Contains(':', StringComparison.Ordinal)
                    || declaration[..classAt].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains("abstract"))
                {
                    continue;
                }

                var argumentStart = at + marker.Length;
                var argumentEnd = code.IndexOf('>', argumentStart);
                var argument = string.Concat(code[argumentStart..argumentEnd].Where(c => !char.IsWhiteSpace(c)));
                found.Add((suite, argument[(argument.LastIndexOfAny(['.', ':']) + 1)..]));
            }
        }

        return found;
    }

    private static string WithoutComments(string text)
    {
        var code = new StringBuilder(text.Length);
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var comment = line.IndexOf("//", StringComparison.Ordinal);
            code.Append(comment < 0 ? line : line[..comment]).Append('\n');
        }

        return code.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MeshInterop.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No MeshInterop.sln above {AppContext.BaseDirectory}; the guard reads the repository's sources.");
    }

    private sealed record SkippedSuite(string TypeName, Suite Suite, string Reason);
}
