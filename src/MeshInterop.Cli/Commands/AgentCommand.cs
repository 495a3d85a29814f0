using System.CommandLine;
using System.Net;
using MeshInterop.Catalog;
using MeshInterop.Federation;
using MeshInterop.Federation.FileRegistry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// <c>meshinterop agent --config &lt;file&gt;</c>: the federation agent as a process. Configuration comes from the JSON
/// file, then environment variables, then command-line overrides (<c>--MeshInterop:Federation:ListenEndpoint=…</c>),
/// each overriding the one before, as in any ASP.NET Core host. The mesh registry is the embedded file registry.
/// </summary>
internal static class AgentCommand
{
    /// <summary>The configuration key of the optional plain-HTTP listener for status and health.</summary>
    public const string AdminListenEndpointKey = "MeshInterop:Agent:AdminListenEndpoint";

    /// <summary>How long a stop may take before the host abandons what is still running.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Creates the command; <paramref name="started"/> sees the running host (tests use it to reach the agent).</summary>
    public static Command Create(Func<WebApplication, Task>? started = null)
    {
        var config = new Option<string>("--config", "-c") { Description = "The agent's JSON configuration file. Relative paths in it are relative to its directory.", Required = true };
        var command = new Command("agent", "Run the federation agent from a configuration file (plus environment variables and --Section:Key=value overrides), with the file registry. Stops cleanly on Ctrl+C or SIGTERM.")
        {
            config,
        };

        // Everything the parser does not know is a configuration override, passed to the host as its command line.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, parseResult.GetValue(config)!, started, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, string configPath, Func<WebApplication, Task>? started, CancellationToken cancellationToken)
    {
        var io = CommandOutput.For(parseResult);
        var path = Path.GetFullPath(configPath);
        if (!File.Exists(path))
        {
            return io.Fail($"The configuration file '{path}' does not exist.");
        }

        var contentRoot = Path.GetDirectoryName(path)!;
        WebApplication app;
        try
        {
            app = Build(path, contentRoot, [.. parseResult.UnmatchedTokens]);
        }
        catch (OptionsValidationException ex)
        {
            // Mapping the agent's endpoints reads its options, so most configuration errors surface here.
            return Invalid(io, ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            return io.Fail($"Cannot read the configuration: {ex.Message}");
        }

        await using (app.ConfigureAwait(false))
        {
            if (await CheckRegistryAsync(app, io, cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OptionsValidationException ex)
            {
                return Invalid(io, ex);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return CommandOutput.Success;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or ArgumentException)
            {
                return io.Fail($"The agent could not start: {ex.Message}");
            }

            Announce(app, io);
            if (started is not null)
            {
                await started(app).ConfigureAwait(false);
            }

            // Ctrl+C and SIGTERM cancel the token (and reach the host's own lifetime): both stop the host gracefully.
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            io.Line("meshinterop agent stopped.");
            return CommandOutput.Success;
        }
    }

    private static WebApplication Build(string path, string contentRoot, string[] overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, Args = overrides });

        // The configuration file takes the place of appsettings.json; environment variables and the command line
        // override it, in that order.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(overrides);

        builder.Logging.ClearProviders();
        if (!builder.Configuration.GetSection("Logging:LogLevel").Exists())
        {
            // Without a Logging section, the agent's own events at Information and the framework's only when they matter.
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
            console.ColorBehavior = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) ? LoggerColorBehavior.Default : LoggerColorBehavior.Disabled;
        });

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddMeshFederation().UseFileRegistry();
        builder.Services.PostConfigure<MeshFederationOptions>(options => ResolvePaths(options, contentRoot));

        var admin = builder.Configuration[AdminListenEndpointKey];
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenMeshFederation();
            if (!string.IsNullOrEmpty(admin))
            {
                kestrel.Listen(ParseEndpoint(admin));
            }
        });

        var app = builder.Build();
        app.MapMeshFederation();
        app.MapHealthChecks("/healthz");
        return app;
    }

    /// <summary>
    /// Reads the registry file once before starting, so a wrong file stops the agent with every problem listed instead
    /// of leaving it running without exports.
    /// </summary>
    private static async Task<int?> CheckRegistryAsync(WebApplication app, CommandOutput io, CancellationToken cancellationToken)
    {
        FileRegistryOptions options;
        try
        {
            options = app.Services.GetRequiredService<IOptions<FileRegistryOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            return Invalid(io, ex);
        }

        if (app.Services.GetRequiredService<ICatalogSource>() is not FileCatalogSource source)
        {
            return null;
        }

        var read = new CatalogFileReadOptions { Validation = new() { Mode = options.Validation } };
        var result = await CatalogFile.ReadAsync(source.Path, read, cancellationToken).ConfigureAwait(false);
        if (result.IsValid)
        {
            return null;
        }

        return io.Fail($"The registry file '{source.Path}' is invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", result.Errors));
    }

    private static int Invalid(CommandOutput io, OptionsValidationException exception) =>
        io.Fail("The configuration is invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", exception.Failures));

    private static void Announce(WebApplication app, CommandOutput io)
    {
        var options = app.Services.GetRequiredService<IOptions<MeshFederationOptions>>().Value;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        io.Line($"meshinterop agent: mesh {io.Bold(options.MeshName)} (trust domain {options.TrustDomain}), {options.Peers.Count} peer{(options.Peers.Count == 1 ? string.Empty : "s")}");
        foreach (var address in addresses)
        {
            io.Line($"  listening on {address}");
        }

        io.Line("  Ctrl+C or SIGTERM stops the agent.");
    }

    private static IPEndPoint ParseEndpoint(string value) =>
        IPEndPoint.TryParse(value, out var endpoint)
            ? endpoint
            : throw new FormatException($"{AdminListenEndpointKey}: '{value}' is not an address and port such as 127.0.0.1:15000.");

    /// <summary>Makes the file paths of the agent's options relative to the configuration file, not the working directory.</summary>
    private static void ResolvePaths(MeshFederationOptions options, string root)
    {
        options.Svid.CertificatePath = Resolve(options.Svid.CertificatePath, root);
        options.Svid.PrivateKeyPath = Resolve(options.Svid.PrivateKeyPath, root);
        ResolveBundle(options.TrustBundle, root);
        foreach (var peer in options.Peers)
        {
            if (peer is not null)
            {
                ResolveBundle(peer.TrustBundle, root);
            }
        }
    }

    private static void ResolveBundle(MeshFederationTrustBundleOptions bundle, string root)
    {
        bundle.PemFile = Resolve(bundle.PemFile, root);
        bundle.JsonFile = Resolve(bundle.JsonFile, root);
    }

    private static string? Resolve(string? path, string root) =>
        string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, root);
}
