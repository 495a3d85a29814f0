using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// <c>meshinterop spiffe</c>: development CAs and SVIDs for a trust domain, inspection and verification of an SVID
/// against a bundle, and a trust domain's bundle in SPIFFE JSON (a JWK Set).
/// </summary>
internal static class SpiffeCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static Command Create(TimeProvider? timeProvider = null)
    {
        timeProvider ??= TimeProvider.System;
        var command = new Command("spiffe", "SPIFFE identities: development CAs and SVIDs, inspecting and verifying SVIDs, trust bundles.");
        command.Subcommands.Add(CreateCa(timeProvider));
        command.Subcommands.Add(CreateSvid(timeProvider));
        command.Subcommands.Add(Inspect(timeProvider));
        command.Subcommands.Add(Verify(timeProvider));
        command.Subcommands.Add(Bundle());
        return command;
    }

    private static Command CreateCa(TimeProvider timeProvider)
    {
        var trustDomain = new Option<string>("--trust-domain", "-t") { Description = "The trust domain, for example consul.example.", Required = true };
        var output = OutputDirectory();
        var days = new Option<int>("--days") { Description = "How long the CA is valid, in days.", DefaultValueFactory = _ => 30 };
        var force = Force();
        var json = CommandOutput.JsonOption;
        var command = new Command("create-ca", "Create a development CA for a trust domain: <trust-domain>.dev-ca.pem and its key. Development material only.")
        {
            trustDomain, output, days, force, json,
        };
        command.SetAction(parseResult =>
        {
            var io = CommandOutput.For(parseResult, json);
            if (!TryParseTrustDomain(parseResult.GetValue(trustDomain)!, io, out var td) || !TryGetValidity(parseResult.GetValue(days), io, out var validity))
            {
                return CommandOutput.Error;
            }

            var directory = parseResult.GetValue(output)!;
            var certificatePath = Path.Combine(directory, SpiffeDevelopmentMaterial.CaCertificateFile(td));
            var keyPath = Path.Combine(directory, SpiffeDevelopmentMaterial.CaKeyFile(td));
            using var ca = SpiffeDevelopmentMaterial.CreateCa(td, timeProvider.GetUtcNow(), validity);
            if (!TryWrite(io, parseResult.GetValue(force), (certificatePath, SpiffeDevelopmentMaterial.CertificatePem(ca, $"Development CA of trust domain {td}"), false), (keyPath, SpiffeDevelopmentMaterial.KeyPem(ca, $"Development CA of trust domain {td}"), true)))
            {
                return CommandOutput.Error;
            }

            Report(io, "development CA", $"spiffe://{td}", ca, certificatePath, keyPath);
            return CommandOutput.Success;
        });
        return command;
    }

    private static Command CreateSvid(TimeProvider timeProvider)
    {
        var ca = new Option<string>("--ca") { Description = "The CA certificate PEM (from create-ca); its key is read from the .key.pem file next to it.", Required = true };
        var caKey = new Option<string?>("--ca-key") { Description = "The CA private key PEM, when it is not next to the certificate." };
        var id = new Option<string>("--id") { Description = "The SPIFFE ID, for example spiffe://consul.example/meshinterop/agent.", Required = true };
        var name = new Option<string?>("--name") { Description = "The file name stem; defaults to the last segment of the ID's path." };
        var output = OutputDirectory();
        var days = new Option<int>("--days") { Description = "How long the SVID is valid, in days (never longer than the CA).", DefaultValueFactory = _ => 7 };
        var force = Force();
        var json = CommandOutput.JsonOption;
        var command = new Command("create-svid", "Issue a development X.509-SVID from a development CA: <name>.dev-svid.pem and its key. Development material only.")
        {
            ca, caKey, id, name, output, days, force, json,
        };
        command.SetAction(parseResult =>
        {
            var io = CommandOutput.For(parseResult, json);
            if (!SpiffeId.TryParse(parseResult.GetValue(id), SpiffeIdParseOptions.Strict, out var spiffeId, out var error, out var index))
            {
                return io.Fail($"--id '{parseResult.GetValue(id)}' is not a SPIFFE ID: {error} at position {index.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (spiffeId.Path.IsEmpty)
            {
                return io.Fail($"--id '{spiffeId}' has no path; an X.509-SVID names a workload, not the trust domain itself.");
            }

            if (!TryGetValidity(parseResult.GetValue(days), io, out var validity))
            {
                return CommandOutput.Error;
            }

            var caPath = parseResult.GetValue(ca)!;
            var caKeyPath = parseResult.GetValue(caKey) ?? SpiffeDevelopmentMaterial.KeyFileFor(caPath);
            X509Certificate2 authority;
            try
            {
                authority = SpiffeDevelopmentMaterial.LoadCa(caPath, caKeyPath);
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
            {
                return io.Fail($"Cannot load the CA from '{caPath}' and '{caKeyPath}': {ex.Message}");
            }

            using (authority)
            {
                var stem = parseResult.GetValue(name) ?? SpiffeDevelopmentMaterial.Tail(spiffeId);
                var directory = parseResult.GetValue(output)!;
                var certificatePath = Path.Combine(directory, SpiffeDevelopmentMaterial.SvidCertificateFile(stem));
                var keyPath = Path.Combine(directory, SpiffeDevelopmentMaterial.SvidKeyFile(stem));
                using var svid = SpiffeDevelopmentMaterial.IssueSvid(authority, spiffeId, timeProvider.GetUtcNow(), validity);
                var what = $"Development X.509-SVID {spiffeId}";
                if (!TryWrite(io, parseResult.GetValue(force), (certificatePath, SpiffeDevelopmentMaterial.CertificatePem(svid, what), false), (keyPath, SpiffeDevelopmentMaterial.KeyPem(svid, what), true)))
                {
                    return CommandOutput.Error;
                }

                Report(io, "development X.509-SVID", spiffeId.ToString(), svid, certificatePath, keyPath);
                return CommandOutput.Success;
            }
        });
        return command;
    }

    private static Command Inspect(TimeProvider timeProvider)
    {
        var file = new Argument<string>("svid") { Description = "A PEM file: the SVID's certificate first, then any intermediates." };
        var json = CommandOutput.JsonOption;
        var command = new Command("inspect", "Show what an X.509-SVID certificate says: SPIFFE ID, validity, key, usages. Checks nothing; see 'verify'.")
        {
            file, json,
        };
        command.SetAction(parseResult =>
        {
            var io = CommandOutput.For(parseResult, json);
            if (!TryLoadChain(parseResult.GetValue(file)!, io, out var chain))
            {
                return CommandOutput.Error;
            }

            using var owned = new CertificateChain(chain);
            var leaf = chain[0];
            var now = timeProvider.GetUtcNow();
            var facts = Describe(leaf, chain.Count, now);
            if (io.IsJson)
            {
                io.Json(w =>
                {
                    w.WriteStartObject();
                    foreach (var (key, value) in facts)
                    {
                        w.WriteString(JsonName(key), value);
                    }

                    w.WriteEndObject();
                });
            }
            else
            {
                io.Table(["Field", "Value"], facts.Select(f => (IReadOnlyList<string>)[f.Key, f.Value]));
                if (leaf.Subject.Contains(SpiffeDevelopmentMaterial.Marker, StringComparison.Ordinal))
                {
                    io.Line(io.Yellow("  " + SpiffeDevelopmentMaterial.Warning));
                }
            }

            return CommandOutput.Success;
        });
        return command;
    }

    private static Command Verify(TimeProvider timeProvider)
    {
        var file = new Argument<string>("svid") { Description = "A PEM file: the SVID's certificate first, then any intermediates." };
        var bundle = new Option<string>("--bundle", "-b") { Description = "The trust bundle: CA certificates in PEM, a SPIFFE bundle (JWK Set) or a bundle map ({\"trust_domains\": ...}).", Required = true };
        var trustDomain = new Option<string?>("--trust-domain", "-t") { Description = "The trust domain a PEM or single SPIFFE bundle belongs to; defaults to the SVID's." };
        var role = new Option<TlsRole>("--role") { Description = "The TLS role the SVID is presented in (checked against its extended key usage): Client, Server or Unspecified.", DefaultValueFactory = _ => TlsRole.Unspecified };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Verify at this time (ISO 8601) instead of now." };
        var json = CommandOutput.JsonOption;
        var command = new Command("verify", "Verify an X.509-SVID against a trust bundle with the SPIFFE rules; prints the SPIFFE ID, or the rule that failed.")
        {
            file, bundle, trustDomain, role, at, json,
        };
        command.SetAction(parseResult =>
        {
            var io = CommandOutput.For(parseResult, json);
            if (!TryLoadChain(parseResult.GetValue(file)!, io, out var chain))
            {
                return CommandOutput.Error;
            }

            using var owned = new CertificateChain(chain);
            var declared = parseResult.GetValue(trustDomain);
            TrustDomain? bundleDomain = null;
            if (declared is not null)
            {
                if (!TryParseTrustDomain(declared, io, out var parsed))
                {
                    return CommandOutput.Error;
                }

                bundleDomain = parsed;
            }
            else if (SpiffeDevelopmentMaterial.UriSans(chain[0]) is [var san, ..] && TrustDomain.TryParse(san, out var fromSan))
            {
                bundleDomain = fromSan;
            }

            if (!TryLoadBundles(parseResult.GetValue(bundle)!, bundleDomain, io, out var bundles))
            {
                return CommandOutput.Error;
            }

            var clock = parseResult.GetValue(at) is { } time ? new FixedTimeProvider(time) : timeProvider;
            var validator = new X509SvidValidator(new InMemoryBundleSource(bundles), null, clock);
            var intermediates = new X509Certificate2Collection();
            foreach (var certificate in chain.Skip(1))
            {
                intermediates.Add(certificate);
            }

            var result = validator.Validate(chain[0], intermediates, parseResult.GetValue(role));
            WriteVerification(io, result, bundles);
            return result.IsValid ? CommandOutput.Success : CommandOutput.CheckFailed;
        });
        return command;
    }

    private static Command Bundle()
    {
        var ca = new Option<string[]>("--ca") { Description = "PEM files with the trust domain's CA certificates (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var trustDomain = new Option<string>("--trust-domain", "-t") { Description = "The trust domain the CAs belong to.", Required = true };
        var sequence = new Option<ulong?>("--sequence") { Description = "The spiffe_sequence to publish." };
        var refreshHint = new Option<int?>("--refresh-hint") { Description = "The spiffe_refresh_hint to publish, in seconds." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the bundle to this file instead of the output." };
        var command = new Command("bundle", "Print a trust domain's bundle in SPIFFE JSON (a JWK Set), as a bundle endpoint serves it.")
        {
            ca, trustDomain, sequence, refreshHint, output,
        };
        command.SetAction(parseResult =>
        {
            var io = CommandOutput.For(parseResult);
            if (!TryParseTrustDomain(parseResult.GetValue(trustDomain)!, io, out var td))
            {
                return CommandOutput.Error;
            }

            var hint = parseResult.GetValue(refreshHint);
            if (hint is <= 0)
            {
                return io.Fail("--refresh-hint must be a positive number of seconds.");
            }

            var authorities = new List<X509Certificate2>();
            foreach (var path in parseResult.GetValue(ca)!)
            {
                try
                {
                    authorities.AddRange(X509Bundle.ParsePem(td, File.ReadAllText(path)).Authorities);
                }
                catch (Exception ex) when (ex is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
                {
                    return io.Fail($"Cannot read CA certificates from '{path}': {ex.Message}");
                }
            }

            var document = new SpiffeBundle(new X509Bundle(td, authorities), new JwtBundle(td, []), parseResult.GetValue(sequence), hint is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            var text = Indent(document.ToUtf8Json());
            if (parseResult.GetValue(output) is { } target)
            {
                File.WriteAllText(target, text + "\n");
                io.Errors.WriteLine($"Wrote the bundle of {td} ({authorities.Count} X.509 authorities) to {target}.");
            }
            else
            {
                io.Writer.WriteLine(text);
            }

            return CommandOutput.Success;
        });
        return command;
    }

    private static Option<string> OutputDirectory() =>
        new("--out", "-o") { Description = "The directory to write the files to.", DefaultValueFactory = _ => "." };

    private static Option<bool> Force() => new("--force") { Description = "Overwrite files that exist already." };

    private static bool TryParseTrustDomain(string value, CommandOutput io, out TrustDomain trustDomain)
    {
        if (TrustDomain.TryParse(value, SpiffeIdParseOptions.Strict, out trustDomain, out var error, out var index))
        {
            return true;
        }

        io.Fail($"'{value}' is not a trust domain name: {error} at position {index.ToString(CultureInfo.InvariantCulture)} (lower-case letters, digits, '.', '-' and '_').");
        return false;
    }

    private static bool TryGetValidity(int days, CommandOutput io, out TimeSpan validity)
    {
        validity = TimeSpan.FromDays(days);
        if (days is >= 1 and <= 3650)
        {
            return true;
        }

        io.Fail($"--days {days.ToString(CultureInfo.InvariantCulture)} is outside 1 to 3650.");
        return false;
    }

    private static bool TryWrite(CommandOutput io, bool overwrite, params (string Path, string Content, bool IsKey)[] files)
    {
        if (!overwrite && files.FirstOrDefault(f => File.Exists(f.Path)) is { Path: not null } existing)
        {
            io.Fail($"'{existing.Path}' exists already; pass --force to replace it.");
            return false;
        }

        try
        {
            foreach (var (path, content, isKey) in files)
            {
                SpiffeDevelopmentMaterial.Write(path, content, isKey, overwrite);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            io.Fail($"Cannot write the files: {ex.Message}");
            return false;
        }
    }

    private static void Report(CommandOutput io, string kind, string id, X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        if (io.IsJson)
        {
            io.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", kind);
                w.WriteString("spiffeId", id);
                w.WriteString("certificate", certificatePath);
                w.WriteString("privateKey", keyPath);
                w.WriteString("notAfter", certificate.NotAfter.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                w.WriteBoolean("development", true);
                w.WriteEndObject();
            });
            return;
        }

        io.Line($"{io.Green("Created")} {kind} {io.Bold(id)}");
        io.Table(["File", "Path"], [["certificate", certificatePath], ["private key", keyPath]]);
        io.Line($"  Valid until {CommandOutput.Format(certificate.NotAfter)}.");
        io.Line(io.Yellow("  " + SpiffeDevelopmentMaterial.Warning));
    }

    private static bool TryLoadChain(string path, CommandOutput io, out List<X509Certificate2> chain)
    {
        chain = [];
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPemFile(path);
            chain.AddRange(collection);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            io.Fail($"Cannot read certificates from '{path}': {ex.Message}");
            return false;
        }

        if (chain.Count == 0)
        {
            io.Fail($"'{path}' holds no PEM certificate.");
            return false;
        }

        return true;
    }

    private static bool TryLoadBundles(string path, TrustDomain? trustDomain, CommandOutput io, out BundleSet bundles)
    {
        bundles = BundleSet.Empty;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            io.Fail($"Cannot read the bundle '{path}': {ex.Message}");
            return false;
        }

        try
        {
            var text = System.Text.Encoding.UTF8.GetString(content).TrimStart();
            if (text.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = false });
                if (document.RootElement.TryGetProperty("trust_domains", out _))
                {
                    bundles = SpiffeBundleMap.Parse(content).ApplyTo(BundleSet.Empty);
                    return true;
                }

                if (trustDomain is not { } td)
                {
                    io.Fail($"'{path}' is a SPIFFE bundle, which does not name its trust domain; pass --trust-domain.");
                    return false;
                }

                bundles = BundleSet.Empty.With(SpiffeBundle.Parse(content, td));
                return true;
            }

            if (trustDomain is not { } pemDomain)
            {
                io.Fail($"'{path}' holds PEM certificates, which do not name their trust domain, and the SVID has no readable SPIFFE ID; pass --trust-domain.");
                return false;
            }

            bundles = BundleSet.Empty.With(X509Bundle.ParsePem(pemDomain, text));
            return true;
        }
        catch (Exception ex) when (ex is JsonException or SpiffeBundleFormatException or CryptographicException or ArgumentException or FormatException)
        {
            io.Fail($"'{path}' is not a usable bundle: {ex.Message}");
            return false;
        }
    }

    private static void WriteVerification(CommandOutput io, X509SvidValidationResult result, BundleSet bundles)
    {
        if (io.IsJson)
        {
            io.Json(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("valid", result.IsValid);
                if (result.IsValid)
                {
                    w.WriteString("spiffeId", result.SpiffeId.ToString());
                    w.WriteString("trustDomain", result.SpiffeId.TrustDomain.ToString());
                    w.WriteString("validUntil", result.ValidUntil.ToString("O", CultureInfo.InvariantCulture));
                    w.WriteNumber("chainLength", result.Chain.Count);
                }
                else
                {
                    w.WriteString("failure", result.Failure.ToString());
                    w.WriteString("reason", result.Reason);
                    w.WriteNumber("certificateIndex", result.CertificateIndex);
                }

                w.WriteStartArray("bundleTrustDomains");
                foreach (var td in bundles.TrustDomains.Order())
                {
                    w.WriteStringValue(td.ToString());
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }

        if (result.IsValid)
        {
            io.Line($"{io.Green("valid")} {io.Bold(result.SpiffeId.ToString())}");
            io.Line($"  verified against the bundle of {result.SpiffeId.TrustDomain}, chain of {result.Chain.Count.ToString(CultureInfo.InvariantCulture)}, valid until {CommandOutput.Format(result.ValidUntil)}");
            return;
        }

        io.Line($"{io.Red("refused")} {io.Bold(result.Failure.ToString())}: {result.Reason}");
        io.Line($"  at certificate {result.CertificateIndex.ToString(CultureInfo.InvariantCulture)} of the file (0 is the leaf); bundles loaded for: {string.Join(", ", bundles.TrustDomains.Order())}");
    }

    private static List<KeyValuePair<string, string>> Describe(X509Certificate2 leaf, int count, DateTimeOffset now)
    {
        var uris = SpiffeDevelopmentMaterial.UriSans(leaf);
        var basic = leaf.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        var usage = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        var remaining = notAfter - now;
        var state = remaining <= TimeSpan.Zero ? "expired"
            : new DateTimeOffset(leaf.NotBefore.ToUniversalTime()) > now ? "not yet valid"
            : string.Create(CultureInfo.InvariantCulture, $"expires in {(int)remaining.TotalDays}d {remaining.Hours}h");
        return
        [
            new("URI SANs", uris.Count == 0 ? "(none)" : string.Join(", ", uris)),
            new("Subject", leaf.Subject),
            new("Issuer", leaf.Issuer),
            new("Serial", leaf.SerialNumber),
            new("Not before", CommandOutput.Format(leaf.NotBefore)),
            new("Not after", $"{CommandOutput.Format(leaf.NotAfter)} ({state})"),
            new("Key", DescribeKey(leaf)),
            new("CA", basic is null ? "no basicConstraints" : basic.CertificateAuthority ? "yes" : "no"),
            new("Key usage", usage is null ? "(none)" : $"{usage.KeyUsages}{(usage.Critical ? " (critical)" : string.Empty)}"),
            new("Extended key usage", eku is null ? "(none)" : string.Join(", ", eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.FriendlyName ?? o.Value))),
            new("Certificates in file", count.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    private static string DescribeKey(X509Certificate2 certificate)
    {
        using var ec = certificate.GetECDsaPublicKey();
        if (ec is not null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"ECDSA P-{ec.KeySize}");
        }

        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null ? string.Create(CultureInfo.InvariantCulture, $"RSA {rsa.KeySize}") : certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown";
    }

    private static string JsonName(string field) =>
        string.Concat(field.Split(' ').Select((word, i) => i == 0 ? word.ToLowerInvariant() : char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant()));

    private static string Indent(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, IndentedJson);
    }

    /// <summary>Disposes the certificates loaded from a file.</summary>
    private sealed class CertificateChain(List<X509Certificate2> certificates) : IDisposable
    {
        public void Dispose()
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>A clock stopped at the time given with <c>--at</c>.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset time) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => time;
    }
}
