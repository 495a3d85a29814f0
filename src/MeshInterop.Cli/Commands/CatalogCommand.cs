using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation.FileRegistry;

namespace MeshInterop.Cli.Commands;

/// <summary><c>meshinterop catalog</c>: validate a registry file and compare two catalog files.</summary>
internal static class CatalogCommand
{
    public static Command Create()
    {
        var command = new Command("catalog", "Catalog files: the JSON registry of a mesh's services and the imports file the agent writes.");
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Diff());
        return command;
    }

    private static Command Validate()
    {
        var file = new Argument<string>("registry-file") { Description = "The registry file (JSON; see docs/file-registry.md)." };
        var lenient = new Option<bool>("--lenient") { Description = "Check only what every Hamlet consumer needs, not every field v1alpha2 requires (the file registry's Validation = Lenient)." };
        var imports = new Option<bool>("--imports") { Description = "The file is an imports file written by the agent: services may carry an origin; checked leniently." };
        var json = CommandOutput.JsonOption;
        var command = new Command("validate", "Check a registry file; prints its services, or every problem with its line and field.")
        {
            file, lenient, imports, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var io = CommandOutput.For(parseResult, json);
            var path = parseResult.GetValue(file)!;
            var isImports = parseResult.GetValue(imports);
            var mode = parseResult.GetValue(lenient) || isImports ? CatalogValidationMode.Lenient : CatalogValidationMode.Strict;
            var options = new CatalogFileReadOptions { Validation = new CatalogValidationOptions { Mode = mode }, AllowImported = isImports };
            var result = await CatalogFile.ReadAsync(path, options, cancellationToken).ConfigureAwait(false);
            if (io.IsJson)
            {
                io.Json(w => WriteValidation(w, result, mode));
            }
            else if (result.IsValid)
            {
                io.Line($"{io.Green("valid")} {path}: {Count(result.Entries.Length)} ({mode.ToString().ToLowerInvariant()} mode)");
                if (!result.Entries.IsEmpty)
                {
                    io.Table(["Service", "FQDN", "Endpoints", "SANs"], result.Entries.Select(Row));
                }
            }
            else
            {
                io.Line($"{io.Red("invalid")} {path}: {result.Errors.Length.ToString(CultureInfo.InvariantCulture)} problem{(result.Errors.Length == 1 ? string.Empty : "s")}");
                foreach (var error in result.Errors)
                {
                    io.Line("  " + error);
                }
            }

            return result.IsValid ? CommandOutput.Success : CommandOutput.CheckFailed;
        });
        return command;
    }

    private static Command Diff()
    {
        var before = new Argument<string>("a") { Description = "The first catalog file (registry or imports file)." };
        var after = new Argument<string>("b") { Description = "The second catalog file." };
        var json = CommandOutput.JsonOption;
        var command = new Command("diff", "Compare two catalog files: services added, removed and changed (with the fields that differ). Exit code 0 when equal, 1 when they differ.")
        {
            before, after, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var io = CommandOutput.For(parseResult, json);
            var options = new CatalogFileReadOptions { Validation = new CatalogValidationOptions { Mode = CatalogValidationMode.Lenient }, AllowImported = true };
            var a = await CatalogFile.ReadAsync(parseResult.GetValue(before)!, options, cancellationToken).ConfigureAwait(false);
            var b = await CatalogFile.ReadAsync(parseResult.GetValue(after)!, options, cancellationToken).ConfigureAwait(false);
            foreach (var unreadable in new[] { a, b }.Where(r => !r.IsValid))
            {
                io.Fail($"'{unreadable.File}' is not a valid catalog file:");
                foreach (var error in unreadable.Errors)
                {
                    io.Errors.WriteLine("  " + error);
                }
            }

            if (!a.IsValid || !b.IsValid)
            {
                return CommandOutput.Error;
            }

            var diff = CatalogDiffer.Diff(CatalogSnapshot.Create(a.Entries), CatalogSnapshot.Create(b.Entries));
            if (io.IsJson)
            {
                io.Json(w => WriteDiff(w, diff));
            }
            else if (diff.Count == 0)
            {
                io.Line($"{io.Green("equal")}: both files hold the same {Count(a.Entries.Length)}.");
            }
            else
            {
                foreach (var change in diff)
                {
                    var line = change.Kind switch
                    {
                        CatalogChangeKind.Added => io.Green("+ " + change.Key),
                        CatalogChangeKind.Removed => io.Red("- " + change.Key),
                        _ => io.Yellow("~ " + change.Key) + "  " + string.Join(", ", ChangedFields(change.Old!, change.New!)),
                    };
                    io.Line(line);
                }

                var added = diff.Count(c => c.Kind == CatalogChangeKind.Added);
                var removed = diff.Count(c => c.Kind == CatalogChangeKind.Removed);
                io.Line(string.Create(CultureInfo.InvariantCulture, $"{added} added, {removed} removed, {diff.Count - added - removed} changed"));
            }

            return diff.Count == 0 ? CommandOutput.Success : CommandOutput.CheckFailed;
        });
        return command;
    }

    /// <summary>The catalog file field names in which two entries of one key differ.</summary>
    internal static IReadOnlyList<string> ChangedFields(CatalogEntry old, CatalogEntry updated)
    {
        var fields = new List<string>();
        void Check(string name, bool same)
        {
            if (!same)
            {
                fields.Add(name);
            }
        }

        Check("name", string.Equals(old.Name, updated.Name, StringComparison.Ordinal));
        Check("fqdn", string.Equals(old.Fqdn, updated.Fqdn, StringComparison.Ordinal));
        Check("description", string.Equals(old.Description, updated.Description, StringComparison.Ordinal));
        Check("tags", old.Tags.SequenceEqual(updated.Tags));
        Check("labels", old.Labels.Equals(updated.Labels));
        Check("subjectAlternativeNames", old.SubjectAlternativeNames.SequenceEqual(updated.SubjectAlternativeNames));
        Check("protocols", old.Protocols.SequenceEqual(updated.Protocols));
        Check("sni", string.Equals(old.Sni, updated.Sni, StringComparison.Ordinal));
        Check("endpoints", old.Endpoints.SequenceEqual(updated.Endpoints));
        Check("instances", old.Instances.SequenceEqual(updated.Instances));
        Check("ports", old.Ports.SequenceEqual(updated.Ports));
        Check("locality", Equals(old.Locality, updated.Locality));
        Check("health", old.Health == updated.Health);
        Check("origin", old.Origin.Equals(updated.Origin));
        return fields;
    }

    private static string Count(int services) => services == 1 ? "1 service" : services.ToString(CultureInfo.InvariantCulture) + " services";

    private static IReadOnlyList<string> Row(CatalogEntry entry) =>
    [
        entry.Key.Name,
        entry.Fqdn,
        string.Join(", ", entry.Endpoints.Select(e => e.Address.Contains(':', StringComparison.Ordinal) ? $"[{e.Address}]:{e.Port.ToString(CultureInfo.InvariantCulture)}" : $"{e.Address}:{e.Port.ToString(CultureInfo.InvariantCulture)}")),
        string.Join(", ", entry.SubjectAlternativeNames),
    ];

    private static void WriteValidation(Utf8JsonWriter w, CatalogFileReadResult result, CatalogValidationMode mode)
    {
        w.WriteStartObject();
        w.WriteString("file", result.File);
        w.WriteBoolean("valid", result.IsValid);
        w.WriteString("mode", mode.ToString().ToLowerInvariant());
        w.WriteStartArray("services");
        foreach (var entry in result.Entries)
        {
            w.WriteStringValue(entry.Key.Name);
        }

        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var error in result.Errors)
        {
            w.WriteStartObject();
            w.WriteString("file", error.File);
            w.WriteNumber("line", error.Line);
            w.WriteNumber("column", error.Column);
            w.WriteString("field", error.Field);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteDiff(Utf8JsonWriter w, CatalogDiff diff)
    {
        w.WriteStartObject();
        w.WriteBoolean("equal", diff.Count == 0);
        w.WriteStartArray("changes");
        foreach (var change in diff)
        {
            w.WriteStartObject();
            w.WriteString("key", change.Key.Name);
            w.WriteString("kind", change.Kind.ToString().ToLowerInvariant());
            if (change.Kind == CatalogChangeKind.Updated)
            {
                w.WriteStartArray("fields");
                foreach (var field in ChangedFields(change.Old!, change.New!))
                {
                    w.WriteStringValue(field);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
