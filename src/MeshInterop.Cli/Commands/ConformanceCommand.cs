using System.CommandLine;
using System.Globalization;
using System.Net;
using MeshInterop.Catalog.Validation;
using MeshInterop.Conformance;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Conformance.Reporting;
using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// <c>meshinterop conformance</c>: <c>list</c> prints every case; <c>run</c> runs the wire kit against one Hamlet
/// implementation and exits 0 only when every applicable Required case passed (1 when one did not, 2 on bad arguments).
/// </summary>
internal static class ConformanceCommand
{
    private static readonly Dictionary<string, ConformanceCapabilities> CapabilityNames = new(StringComparer.Ordinal)
    {
        ["mutation"] = ConformanceCapabilities.Mutation,
        ["graceful-stop"] = ConformanceCapabilities.GracefulStop,
        ["consumer-control"] = ConformanceCapabilities.ConsumerControl,
        ["window"] = ConformanceCapabilities.Window,
        ["snapshot-count"] = ConformanceCapabilities.SnapshotCount,
        ["symmetric-v1alpha2"] = ConformanceCapabilities.SymmetricV1Alpha2,
        ["context-token"] = ConformanceCapabilities.ContextToken,
        ["trust-domain-pinning"] = ConformanceCapabilities.TrustDomainPinning,
    };

    public static Command Create()
    {
        var command = new Command("conformance", "Run the Hamlet conformance kit against an implementation, or list its cases.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateList()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table (as in docs/conformance.md) instead of text." };
        var command = new Command("list", "Print every conformance case: number, ID, level, roles, envelopes, what it checks and the spec reference.") { markdown };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(markdown))
            {
                WriteMarkdownTable(output);
                return 0;
            }

            foreach (var c in ConformanceCases.All)
            {
                output.WriteLine($"{c.Number,3} {c.Id,-46} {c.Level,-8} {string.Join('+', c.Roles).ToLowerInvariant(),-14} {string.Join('+', c.Envelopes).ToLowerInvariant()}");
                output.WriteLine($"      {c.Behaviour} ({c.SpecReference})");
                if (c.Requires != ConformanceCapabilities.None)
                {
                    output.WriteLine($"      needs: {c.Requires}");
                }
            }

            return 0;
        });
        return command;
    }

    private static void WriteMarkdownTable(TextWriter output)
    {
        output.WriteLine("| # | Case ID | Level | Role | Envelopes | Needs | Spec | Checks | How the kit checks it |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in ConformanceCases.All)
        {
            var needs = c.Requires == ConformanceCapabilities.None ? "–" : c.Requires.ToString();
            output.WriteLine($"| {c.Number} | `{c.Id}` | {c.Level} | {string.Join(", ", c.Roles).ToLowerInvariant()} | {string.Join(", ", c.Envelopes).ToLowerInvariant()} | {needs} | {c.SpecReference} | {Cell(c.Behaviour)} | {Cell(c.Method)} |");
        }

        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
    }

    private static Command CreateRun()
    {
        var target = new Option<string?>("--target") { Description = "The owner's address (owner role), e.g. https://127.0.0.1:15443." };
        var role = new Option<ConformanceRole>("--role") { Description = "The target's role: owner (the kit dials it) or consumer (it dials the kit).", DefaultValueFactory = _ => ConformanceRole.Owner };
        var envelope = new Option<string>("--envelope") { Description = "The envelope: v1alpha1 or v1alpha2.", DefaultValueFactory = _ => "v1alpha1" };
        var resources = new Option<string?>("--resource-version") { Description = "The resource version: v1alpha1 or v1alpha2 (default: the envelope's)." };
        var listen = new Option<string>("--listen") { Description = "Consumer role: where the kit's owner listens, ip:port (port 0 picks one).", DefaultValueFactory = _ => "127.0.0.1:0" };
        var cert = new Option<FileInfo>("--cert") { Description = "PEM certificate chain of the kit's X.509-SVID (leaf first).", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "PEM private key of the kit's SVID.", Required = true };
        var bundle = new Option<FileInfo>("--bundle") { Description = "PEM CA certificates of the target's trust domain.", Required = true };
        var expectedId = new Option<string>("--expected-id") { Description = "The SPIFFE ID the target must present; its trust domain is the bundle's.", Required = true };
        var foreignCert = new Option<FileInfo?>("--foreign-cert") { Description = "Case 5: PEM chain of an SVID the target's CA trusts but naming another trust domain." };
        var foreignKey = new Option<FileInfo?>("--foreign-key") { Description = "Case 5: its PEM private key." };
        var cases = new Option<string[]>("--case") { Description = "Run only this case ID (repeatable).", AllowMultipleArgumentsPerToken = true };
        var level = new Option<ConformanceLevel?>("--level") { Description = "Run only required or optional cases." };
        var capabilities = new Option<string[]>("--capability") { Description = "A capability the target claims (repeatable): " + string.Join(", ", CapabilityNames.Keys) + ".", AllowMultipleArgumentsPerToken = true };
        var hook = new Option<string?>("--hook") { Description = "Command hook template, e.g. \"./hook.sh {op} {name} {json}\" ({address} for start)." };
        var hookUrl = new Option<string?>("--hook-url") { Description = "Base address of the implementation's HTTP control endpoint (POST {base}/{op})." };
        var contextToken = new Option<string?>("--context-token") { Description = "Case 50: the v1alpha2 context token the owner requires." };
        var format = new Option<string?>("--format") { Description = "Also write the report as junit, markdown or json (to --output)." };
        var output = new Option<FileInfo?>("--output") { Description = "Where --format writes the report." };
        var deliveryBound = new Option<double>("--delivery-bound") { Description = "T in seconds: the longest wait for something the target must do.", DefaultValueFactory = _ => 5 };
        var quietPeriod = new Option<double>("--quiet-period") { Description = "Q in seconds: how long to watch for something the target must not do.", DefaultValueFactory = _ => 2 };
        var ackTimeout = new Option<double>("--ack-timeout") { Description = "The target owner's ACK timeout in seconds (case 18).", DefaultValueFactory = _ => 30 };
        var gracePeriod = new Option<double>("--grace-period") { Description = "The target consumer's sweep grace period in seconds (case 33).", DefaultValueFactory = _ => 300 };
        var keepAlive = new Option<double>("--keepalive-observation") { Description = "How long an idle stream must survive, in seconds (case 37).", DefaultValueFactory = _ => 90 };
        var noRetry = new Option<double>("--no-retry-window") { Description = "How long to watch for a forbidden retry, in seconds (cases 6 and 8).", DefaultValueFactory = _ => 10 };
        var verbose = new Option<bool>("--verbose") { Description = "Print the evidence of every case, not only of failures." };

        var command = new Command("run", "Run the conformance cases against one implementation in one role and envelope.")
        {
            target, role, envelope, resources, listen, cert, key, bundle, expectedId, foreignCert, foreignKey, cases, level, capabilities,
            hook, hookUrl, contextToken, format, output, deliveryBound, quietPeriod, ackTimeout, gracePeriod, keepAlive, noRetry, verbose,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            ConformanceRunnerOptions options;
            HttpClient? hookClient = null;
            try
            {
                options = new ConformanceRunnerOptions
                {
                    Target = parseResult.GetValue(target) is { } t ? ParseUri(t, "--target") : null,
                    Role = parseResult.GetValue(role),
                    Envelope = ParseEnvelope(parseResult.GetValue(envelope)!),
                    ResourceVersion = parseResult.GetValue(resources) is { } r ? ParseResourceVersion(r) : null,
                    Listen = IPEndPoint.Parse(parseResult.GetValue(listen)!),
                    Level = parseResult.GetValue(level),
                    ContextToken = parseResult.GetValue(contextToken),
                };
                var expected = SpiffeId.Parse(parseResult.GetValue(expectedId)!);
                options.Tls.Identity = X509Svid.LoadPemFiles(parseResult.GetValue(cert)!.FullName, parseResult.GetValue(key)!.FullName);
                options.Tls.ExpectedTargetId = expected;
                options.Tls.Bundles = BundleSet.Empty.With(X509Bundle.ParsePem(expected.TrustDomain, File.ReadAllText(parseResult.GetValue(bundle)!.FullName)));
                if (parseResult.GetValue(foreignCert) is { } fc && parseResult.GetValue(foreignKey) is { } fk)
                {
                    options.Tls.ForeignTrustDomainIdentity = X509Svid.LoadPemFiles(fc.FullName, fk.FullName);
                }

                foreach (var id in parseResult.GetValue(cases) ?? [])
                {
                    options.Cases.Add(id);
                }

                foreach (var name in parseResult.GetValue(capabilities) ?? [])
                {
                    options.Capabilities |= CapabilityNames.TryGetValue(name, out var capability)
                        ? capability
                        : throw new ArgumentException($"--capability '{name}' is unknown; use one of {string.Join(", ", CapabilityNames.Keys)}.");
                }

                var timing = options.Timing;
                timing.DeliveryBound = TimeSpan.FromSeconds(parseResult.GetValue(deliveryBound));
                timing.QuietPeriod = TimeSpan.FromSeconds(parseResult.GetValue(quietPeriod));
                timing.TargetAckTimeout = TimeSpan.FromSeconds(parseResult.GetValue(ackTimeout));
                timing.TargetGracePeriod = TimeSpan.FromSeconds(parseResult.GetValue(gracePeriod));
                timing.KeepAliveObservation = TimeSpan.FromSeconds(parseResult.GetValue(keepAlive));
                timing.NoRetryWindow = TimeSpan.FromSeconds(parseResult.GetValue(noRetry));
                if (parseResult.GetValue(hook) is { } template)
                {
                    options.Hook = new CommandConformanceHook(template, timing.HookTimeout);
                }
                else if (parseResult.GetValue(hookUrl) is { } url)
                {
                    hookClient = new HttpClient { Timeout = timing.HookTimeout };
                    options.Hook = new HttpConformanceHook(hookClient, ParseUri(url, "--hook-url"));
                }

                if (parseResult.GetValue(format) is { } f && (f is not ("junit" or "markdown" or "json") || parseResult.GetValue(output) is null))
                {
                    throw new ArgumentException($"--format '{f}' needs --output and one of junit, markdown, json.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or X509SvidLoadException or SpiffeBundleFormatException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync("conformance run: " + ex.Message).ConfigureAwait(false);
                return 2;
            }

            using (hookClient)
            {
                ConformanceRunner runner;
                try
                {
                    runner = new ConformanceRunner(options);
                }
                catch (ArgumentException ex)
                {
                    await stderr.WriteLineAsync("conformance run: " + ex.Message).ConfigureAwait(false);
                    return 2;
                }

                var progress = new ConformanceConsoleProgress(stdout, parseResult.GetValue(verbose));
                var report = await runner.RunAsync(progress, cancellationToken).ConfigureAwait(false);
                progress.Summarize(report);
                if (parseResult.GetValue(format) is { } reportFormat)
                {
                    await WriteReportAsync(report, reportFormat, parseResult.GetValue(output)!).ConfigureAwait(false);
                }

                return report.Conforms ? 0 : 1;
            }
        });
        return command;
    }

    private static async Task WriteReportAsync(ConformanceReport report, string format, FileInfo output)
    {
        await using var stream = output.Create();
        switch (format)
        {
            case "junit":
                ConformanceJUnitReport.Write(report, stream);
                break;
            case "json":
                ConformanceJsonReport.Write(report, stream);
                break;
            default:
                await using (var writer = new StreamWriter(stream))
                {
                    ConformanceMarkdownReport.Write(report, writer);
                }

                break;
        }
    }

    private static Uri ParseUri(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"{option} '{value}' is not an absolute address.");

    private static HamletEnvelope ParseEnvelope(string value) => value switch
    {
        "v1alpha1" => HamletEnvelope.V1Alpha1,
        "v1alpha2" => HamletEnvelope.V1Alpha2,
        _ => throw new ArgumentException($"--envelope '{value}' is not v1alpha1 or v1alpha2."),
    };

    private static HamletResourceVersion ParseResourceVersion(string value) => value switch
    {
        "v1alpha1" => HamletResourceVersion.V1Alpha1,
        "v1alpha2" => HamletResourceVersion.V1Alpha2,
        _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--resource-version '{value}' is not v1alpha1 or v1alpha2.")),
    };
}
