using MeshInterop.Consul.Internal.Export;
using MeshInterop.Consul.Internal.Import;
using Microsoft.Extensions.Options;

namespace MeshInterop.Consul.Internal.Hosting;

/// <summary>Runs the adapter's option rules at host start-up; every problem is reported with its configuration path.</summary>
internal sealed class ConsulOptionsValidation : IValidateOptions<ConsulExportOptions>, IValidateOptions<ConsulImportOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsulExportOptions options) => Result(ConsulExportOptionsValidator.Validate(options));

    public ValidateOptionsResult Validate(string? name, ConsulImportOptions options) => Result(ConsulImportOptionsValidator.Validate(options));

    internal static ValidateOptionsResult Result(IReadOnlyList<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}

/// <summary>Checks <see cref="ConsulLeaderElectionOptions"/>; the lock key defaults to one derived from the import owner ID.</summary>
internal sealed class ConsulLeaderElectionOptionsValidation(IEnumerable<IConfigureOptions<ConsulImportOptions>> importConfiguration) : IValidateOptions<ConsulLeaderElectionOptions>
{
    // The import options as configured but not validated: their own problems are reported by their own validator, and
    // reading IOptions<ConsulImportOptions> here would throw those instead of reporting the election's.
    private string OwnerId()
    {
        var import = new ConsulImportOptions();
        foreach (var configure in importConfiguration)
        {
            configure.Configure(import);
        }

        return import.OwnerId;
    }

    public ValidateOptionsResult Validate(string? name, ConsulLeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = ConsulLeaderElectionOptions.SectionName;
        List<string> problems = [];
        if (options.Key is null && !MeshInterop.Catalog.Validation.DnsNames.IsDns1123Label(OwnerId()))
        {
            problems.Add($"{Section}:Key: set it, or set {ConsulImportOptions.SectionName}:OwnerId, from which it is derived.");
        }
        else if (options.Key is { } key && (key.Length == 0 || key.StartsWith('/') || key.Any(char.IsControl)))
        {
            problems.Add($"{Section}:Key: '{key}' is not a KV key: it must be non-empty, must not start with '/' and must not hold control characters.");
        }

        if (options.SessionTtl < TimeSpan.FromSeconds(10) || options.SessionTtl > TimeSpan.FromHours(24))
        {
            problems.Add($"{Section}:SessionTtl: {options.SessionTtl} is outside Consul's 10 seconds to 24 hours.");
        }

        if (options.LockDelay < TimeSpan.Zero || options.LockDelay > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{Section}:LockDelay: {options.LockDelay} is outside 0 to 60 seconds.");
        }

        if (options.HolderName is { Length: 0 })
        {
            problems.Add($"{Section}:HolderName: must not be empty.");
        }

        return ConsulOptionsValidation.Result(problems);
    }

    /// <summary>The KV key of the lock: the configured one, or one per owner ID.</summary>
    public static string KeyOf(ConsulLeaderElectionOptions options, ConsulImportOptions import) =>
        options.Key ?? "meshinterop/leader/" + import.OwnerId;
}
