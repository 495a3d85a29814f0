using System.Net;
using Microsoft.Extensions.Options;

namespace MeshInterop.Consul.Internal;

/// <summary>Checks the single-property rules (the DataAnnotations attributes) of <see cref="ConsulClientOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ConsulClientOptionsValidator : IValidateOptions<ConsulClientOptions>;

/// <summary>Checks the rules of <see cref="ConsulClientOptions"/> that span properties or touch the file system; reports every problem.</summary>
internal sealed class ConsulClientOptionsRulesValidator : IValidateOptions<ConsulClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsulClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var section = string.IsNullOrEmpty(name) ? ConsulClientOptions.SectionName : $"{ConsulClientOptions.SectionName}:{name}";
        var result = new ValidateOptionsResultBuilder();
        var address = options.Address;
        var https = false;
        if (address is null || !address.IsAbsoluteUri)
        {
            result.AddError("Address must be an absolute http or https URI, for example 'https://127.0.0.1:8501'.", $"{section}:Address");
        }
        else if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            result.AddError($"Address '{address}' uses scheme '{address.Scheme}'; use http or https.", $"{section}:Address");
        }
        else
        {
            https = address.Scheme == Uri.UriSchemeHttps;
            if (!string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment) || !string.IsNullOrEmpty(address.UserInfo))
            {
                result.AddError($"Address '{address.GetLeftPart(UriPartial.Authority)}' must not carry user info, a query or a fragment; the token goes in Token or TokenFile.", $"{section}:Address");
            }

            if (!https && !options.AllowPlaintextHttp && !IsLoopback(address))
            {
                result.AddError($"Address '{address}' is plain http to a non-loopback host, which would send the ACL token in clear text; use https (port 8501) or set AllowPlaintextHttp.", $"{section}:Address");
            }
        }

        if (options.Token is not null && options.TokenFile is not null)
        {
            result.AddError("Set at most one of Token and TokenFile.", $"{section}:TokenFile");
        }

        if (options.Token is { } token && (token.Length == 0 || token.AsSpan().IndexOfAny('\r', '\n') >= 0))
        {
            result.AddError("Token must be non-empty and must not contain line breaks.", $"{section}:Token");
        }

        CheckFile(result, options.TokenFile, $"{section}:TokenFile");
        if (options.CaCertificateFile is not null)
        {
            if (!https)
            {
                result.AddError("CaCertificateFile pins the CA of an https address; the Address is not https.", $"{section}:CaCertificateFile");
            }

            CheckFile(result, options.CaCertificateFile, $"{section}:CaCertificateFile");
        }

        if ((options.ClientCertificateFile is null) != (options.ClientKeyFile is null))
        {
            result.AddError("ClientCertificateFile and ClientKeyFile must be set together.", $"{section}:ClientKeyFile");
        }

        if (options.ClientCertificateFile is not null && !https)
        {
            result.AddError("A client certificate needs an https Address.", $"{section}:ClientCertificateFile");
        }

        CheckFile(result, options.ClientCertificateFile, $"{section}:ClientCertificateFile");
        CheckFile(result, options.ClientKeyFile, $"{section}:ClientKeyFile");
        CheckName(result, options.Namespace, $"{section}:Namespace");
        CheckName(result, options.Partition, $"{section}:Partition");
        return result.Build();
    }

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static void CheckFile(ValidateOptionsResultBuilder result, string? path, string key)
    {
        if (path is not null && !File.Exists(path))
        {
            result.AddError($"File '{path}' does not exist or cannot be read.", key);
        }
    }

    private static void CheckName(ValidateOptionsResultBuilder result, string? value, string key)
    {
        if (value is null)
        {
            return;
        }

        // Consul namespace and partition names are DNS-label-like: letters, digits, '-' and '_', at most 64 characters.
        if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            result.AddError($"'{value}' is not a valid name: use 1 to 64 ASCII letters, digits, '-' or '_'.", key);
        }
    }
}
