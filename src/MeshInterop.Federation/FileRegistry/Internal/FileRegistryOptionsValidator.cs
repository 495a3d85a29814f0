using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>Checks the file registry options at start-up, naming the configuration path of every problem.</summary>
internal sealed class FileRegistryOptionsValidator : IValidateOptions<FileRegistryOptions>
{
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, FileRegistryOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        const string Section = FileRegistryOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.ServicesPath))
        {
            result.AddError("is required: the JSON file listing this mesh's services.", $"{Section}:{nameof(FileRegistryOptions.ServicesPath)}");
        }

        if (string.IsNullOrWhiteSpace(options.ImportsPath))
        {
            result.AddError("is required: the JSON file the import view is written to.", $"{Section}:{nameof(FileRegistryOptions.ImportsPath)}");
        }
        else if (!string.IsNullOrWhiteSpace(options.ServicesPath)
            && string.Equals(Path.GetFullPath(options.ServicesPath), Path.GetFullPath(options.ImportsPath), StringComparison.Ordinal))
        {
            result.AddError("names the registry file; imports must go to a file of their own, or they would be exported again.", $"{Section}:{nameof(FileRegistryOptions.ImportsPath)}");
        }

        if (!Enum.IsDefined(options.Validation))
        {
            result.AddError($"'{options.Validation}' is not Lenient or Strict.", $"{Section}:{nameof(FileRegistryOptions.Validation)}");
        }

        if (options.PollInterval < MinPollInterval || options.PollInterval > MaxPollInterval)
        {
            result.AddError($"{options.PollInterval} is outside 00:00:00.1 to 01:00:00.", $"{Section}:{nameof(FileRegistryOptions.PollInterval)}");
        }

        return result.Build();
    }
}
