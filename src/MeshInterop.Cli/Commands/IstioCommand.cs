using System.CommandLine;
using System.Globalization;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation.FileRegistry;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// <c>meshinterop istio render</c>: writes the Istio objects of an import catalog (the file the file sink writes, or
/// any catalog file whose entries carry a peer origin) as YAML for GitOps, built and validated exactly as the Istio
/// sink would apply them.
/// </summary>
internal static class IstioCommand
{
    // An import catalog holds what peers sent, so it is read with the lenient (v1alpha2) rules the import path uses.
    private static readonly CatalogFileReadOptions ImportFileOptions = new()
    {
        AllowImported = true,
        Validation = new CatalogValidationOptions { Mode = CatalogValidationMode.Lenient },
    };

    public static Command Create()
    {
        var istio = new Command("istio", "Kubernetes and Istio: render imports as Istio objects for GitOps.");
        istio.Subcommands.Add(CreateRender());
        return istio;
    }

    private static Command CreateRender()
    {
        var catalog = new Option<FileInfo>("--catalog") { Description = "The import catalog file (JSON, as the file sink writes it).", Required = true };
        var crds = new Option<FileInfo?>("--crds") { Description = "The target Istio release's CRDs (crd-all.gen.yaml or kubectl get crd -o yaml); without it only the webhook rules are checked." };
        var output = new Option<DirectoryInfo?>("--output") { Description = "A folder to write one file per object into, instead of standard output." };
        var apiVersion = new Option<string>("--api-version") { Description = "v1 (Istio 1.22 and later) or v1beta1.", DefaultValueFactory = _ => "v1" };
        apiVersion.AcceptOnlyFromAmong("v1", "v1beta1");
        var importNamespace = new Option<string>("--namespace") { Description = "The namespace of the import ServiceEntries and DestinationRules.", DefaultValueFactory = _ => "mesh-imports" };
        var exportTo = new Option<string[]>("--export-to") { Description = "A namespace that may see the imports (repeatable); default: the import namespace only.", AllowMultipleArgumentsPerToken = true };
        var importAsLocal = new Option<string[]>("--import-as-local") { Description = "A peer whose imports join local Services of the same host (repeatable); needs --local-services.", AllowMultipleArgumentsPerToken = true };
        var revision = new Option<long>("--revision") { Description = "The catalog revision recorded on the objects.", DefaultValueFactory = _ => 0 };
        var mode = new Option<string>("--mode") { Description = "Which side to render; the export side is not available in render mode yet.", DefaultValueFactory = _ => "import" };
        mode.AcceptOnlyFromAmong("import");

        var render = new Command("render", "Write the Istio objects of an import catalog as YAML, exactly as the sink would apply them.")
        {
            catalog, crds, output, apiVersion, importNamespace, exportTo, importAsLocal, revision, mode,
        };
        render.SetAction((parseResult, cancellationToken) =>
        {
            var options = new IstioImportOptions { Namespace = parseResult.GetValue(importNamespace)! };
            foreach (var ns in parseResult.GetValue(exportTo) ?? [])
                options.ExportTo.Add(ns);
            foreach (var peer in parseResult.GetValue(importAsLocal) ?? [])
                options.ImportAsLocalPeers.Add(peer);
            var renderOptions = new IstioRenderOptions
            {
                ApiVersion = parseResult.GetValue(apiVersion) == "v1beta1" ? IstioApiVersion.V1Beta1 : IstioApiVersion.V1,
                Revision = parseResult.GetValue(revision),
            };
            return RenderAsync(
                parseResult.GetValue(catalog)!, parseResult.GetValue(crds), parseResult.GetValue(output), options, renderOptions,
                parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken);
        });
        return render;
    }

    private static async Task<int> RenderAsync(
        FileInfo catalog, FileInfo? crds, DirectoryInfo? output, IstioImportOptions options, IstioRenderOptions renderOptions,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var read = await CatalogFile.ReadAsync(catalog.FullName, ImportFileOptions, cancellationToken).ConfigureAwait(false);
        if (!read.IsValid)
        {
            foreach (var error in read.Errors)
                await stderr.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            return 1;
        }

        if (crds is not null)
        {
            try
            {
                renderOptions.Schemas = CrdSchemaSet.Parse(await File.ReadAllTextAsync(crds.FullName, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                await stderr.WriteLineAsync($"{crds.FullName}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        var result = IstioImportRenderer.Render(read.Entries, options, renderOptions);
        foreach (var line in result.Errors.Concat(result.Warnings))
            await stderr.WriteLineAsync(line).ConfigureAwait(false);
        foreach (var rule in result.UncheckedRules)
            await stderr.WriteLineAsync("not checked: " + rule).ConfigureAwait(false);

        if (output is null)
        {
            await stdout.WriteAsync(result.Yaml).ConfigureAwait(false);
        }
        else
        {
            output.Create();
            foreach (var resource in result.Resources)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{resource.ResourceType.Kind.ToLowerInvariant()}-{resource.Metadata.Namespace}-{resource.Metadata.Name}.yaml");
                await File.WriteAllTextAsync(Path.Combine(output.FullName, name), resource.ToYaml(renderOptions.ApiVersion), cancellationToken).ConfigureAwait(false);
            }

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Wrote {result.Resources.Count} objects to {output.FullName}.")).ConfigureAwait(false);
        }

        return result.IsValid ? 0 : 1;
    }
}
