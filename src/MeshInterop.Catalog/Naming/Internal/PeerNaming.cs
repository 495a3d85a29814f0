using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MeshInterop.Catalog.Naming.Internal;

/// <summary>The naming rules of one peer, compiled from <see cref="ImportNamingOptions"/>.</summary>
internal sealed class PeerNaming
{
    // An alias longer than this would leave too little of the service name in a shortened prefix or suffix name.
    internal const int MaxAliasLength = 40;

    private static readonly string[] NamePlaceholders = ["peer", "name"];
    private static readonly string[] FqdnPlaceholders = ["local", "name", "peer", "fqdn"];

    private readonly string _peer;
    private readonly ImportNameStyle _style;
    private readonly NameTemplate? _nameTemplate;
    private readonly NameTemplate? _fqdnTemplate;

    private PeerNaming(string peer, string alias, ImportNameStyle style, NameTemplate? nameTemplate, NameTemplate? fqdnTemplate)
    {
        _peer = peer;
        Alias = alias;
        _style = style;
        _nameTemplate = nameTemplate;
        _fqdnTemplate = fqdnTemplate;
    }

    internal string Alias { get; }

    internal static void Validate(ImportNamingOptions options, string path, List<string> errors)
    {
        if (options.Alias is { } alias && (!DnsLabel.IsValid(alias) || alias.Length > MaxAliasLength))
            errors.Add($"{path}:Alias: '{alias}' must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit) of at most {MaxAliasLength} characters.");
        if (!Enum.IsDefined(options.Style))
            errors.Add($"{path}:Style: {(int)options.Style} is not a naming style; use Prefix, Suffix or Template.");
        if (options.Style == ImportNameStyle.Template)
        {
            if (options.NameTemplate is null)
                errors.Add($"{path}:NameTemplate: required when Style is Template.");
            else if (NameTemplate.Parse(options.NameTemplate, path + ":NameTemplate", NamePlaceholders, allowDots: false, errors) is { } parsed
                     && !parsed.Contains("name"))
                errors.Add($"{path}:NameTemplate: '{options.NameTemplate}' must contain {{name}}, or every service of the peer would get the same local name.");
        }
        else if (options.NameTemplate is not null)
        {
            errors.Add($"{path}:NameTemplate: only used when Style is Template; remove it or set Style to Template.");
        }

        if (options.FqdnTemplate is not null
            && NameTemplate.Parse(options.FqdnTemplate, path + ":FqdnTemplate", FqdnPlaceholders, allowDots: true, errors) is { } fqdn
            && !fqdn.Contains("local") && !fqdn.Contains("name") && !fqdn.Contains("fqdn"))
            errors.Add($"{path}:FqdnTemplate: '{options.FqdnTemplate}' must contain {{local}}, {{name}} or {{fqdn}}, or every service of the peer would get the same FQDN.");
    }

    /// <summary>Compiles options that <see cref="Validate"/> accepted.</summary>
    internal static PeerNaming Compile(string peer, ImportNamingOptions options)
    {
        var errors = new List<string>();
        var nameTemplate = options.Style == ImportNameStyle.Template
            ? NameTemplate.Parse(options.NameTemplate!, "NameTemplate", NamePlaceholders, allowDots: false, errors)
            : null;
        var fqdnTemplate = options.FqdnTemplate is null
            ? null
            : NameTemplate.Parse(options.FqdnTemplate, "FqdnTemplate", FqdnPlaceholders, allowDots: true, errors);
        return new PeerNaming(peer, options.Alias ?? AliasOf(peer), options.Style, nameTemplate, fqdnTemplate);
    }

    /// <summary>Folds a peer name into a label short enough to leave room for service names.</summary>
    internal static string AliasOf(string peer)
    {
        if (DnsLabel.IsValid(peer) && peer.Length <= MaxAliasLength)
            return peer;
        var folded = Fold(peer);
        return folded.Length is > 0 and <= MaxAliasLength
            ? folded
            : Shorten(folded, MaxAliasLength, DnsLabel.Hash(peer));
    }

    internal bool TryResolve(string serviceName, string? ownerFqdn, out ImportName name, [NotNullWhen(false)] out string? error)
    {
        var (local, shortened) = LocalName(serviceName);
        var fqdn = ownerFqdn;
        if (_fqdnTemplate is not null)
        {
            var nameLabel = DnsLabel.IsValid(serviceName) ? serviceName : Shorten(Fold(serviceName), DnsLabel.MaxLength, DnsLabel.Hash(_peer, serviceName));
            var missingFqdn = false;
            fqdn = _fqdnTemplate.Render(placeholder => placeholder switch
            {
                "local" => local,
                "name" => nameLabel,
                "peer" => Alias,
                _ => LowerAscii(ownerFqdn, ref missingFqdn),
            });
            if (missingFqdn)
            {
                name = default;
                error = $"Service '{serviceName}' of peer '{_peer}' has no FQDN, but the peer's FQDN template uses {{fqdn}}.";
                return false;
            }

            if (!DnsLabel.IsValidName(fqdn))
            {
                name = default;
                error = $"The FQDN template of peer '{_peer}' gives '{fqdn}' for service '{serviceName}', which is not a DNS name (DNS-1123 labels separated by '.', at most {DnsLabel.MaxNameLength} characters).";
                return false;
            }
        }

        name = new ImportName(local, fqdn, shortened);
        error = null;
        return true;
    }

    private (string Name, bool Shortened) LocalName(string serviceName)
    {
        switch (_style)
        {
            case ImportNameStyle.Prefix:
                // Fast path for the common case: an already valid name that fits.
                if (serviceName.Length + Alias.Length < DnsLabel.MaxLength && DnsLabel.IsValid(serviceName))
                    return (string.Concat(Alias, "-", serviceName), false);
                return Affixed(Alias + "-", serviceName, string.Empty);
            case ImportNameStyle.Suffix:
                if (serviceName.Length + Alias.Length < DnsLabel.MaxLength && DnsLabel.IsValid(serviceName))
                    return (string.Concat(serviceName, "-", Alias), false);
                return Affixed(string.Empty, serviceName, "-" + Alias);
            default:
                var rendered = _nameTemplate!.Render(p => p == "peer" ? Alias : Fold(serviceName)).Trim('-');
                return DnsLabel.IsValid(rendered)
                    ? (rendered, false)
                    : (Shorten(rendered, DnsLabel.MaxLength, DnsLabel.Hash(_peer, serviceName)), true);
        }
    }

    // Shortens only the service part, so that the peer prefix or suffix (which ACL rules match on) survives.
    private (string, bool) Affixed(string prefix, string serviceName, string suffix)
    {
        var folded = Fold(serviceName);
        if (folded.Length > 0 && prefix.Length + folded.Length + suffix.Length <= DnsLabel.MaxLength)
            return (string.Concat(prefix, folded, suffix), false);
        var room = DnsLabel.MaxLength - prefix.Length - suffix.Length;
        return (string.Concat(prefix, Shorten(folded, room, DnsLabel.Hash(_peer, serviceName)), suffix), true);
    }

    /// <summary>Keeps as much of <paramref name="folded"/> as fits in <paramref name="maxLength"/> with "-" and the hash after it.</summary>
    private static string Shorten(string folded, int maxLength, string hash)
    {
        var stemLength = Math.Min(folded.Length, maxLength - 1 - hash.Length);
        var stem = stemLength > 0 ? folded.AsSpan(0, stemLength).TrimEnd('-') : [];
        return stem.IsEmpty ? hash : string.Concat(stem, "-", hash);
    }

    /// <summary>Lower-cases, replaces characters outside [a-z0-9-] with '-' and trims '-' from both ends.</summary>
    private static string Fold(string value)
    {
        var builder = new StringBuilder(value.Length);
        DnsLabel.Fold(value, builder);
        return builder.ToString().Trim('-');
    }

    private static string LowerAscii(string? value, ref bool missing)
    {
        if (string.IsNullOrEmpty(value))
        {
            missing = true;
            return string.Empty;
        }

        return string.Create(value.Length, value, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + ('a' - 'A')) : source[i];
        });
    }
}
