using System.Diagnostics;
using System.Text;

namespace MeshInterop.Conformance.Hooks;

/// <summary>
/// A hook that runs an operator-supplied command for every operation, such as <c>./hook.sh {op} {name} {json}</c>.
/// The template is split into arguments at spaces (single or double quotes group words) and run directly, without a
/// shell; in every argument <c>{op}</c>, <c>{name}</c>, <c>{json}</c> and <c>{address}</c> are replaced. The same
/// values are also in the environment as <c>MESHINTEROP_CONFORMANCE_OP</c>, <c>_NAME</c>, <c>_JSON</c> and
/// <c>_ADDRESS</c>. Exit code 0 means done; for <c>list</c>, standard output is a JSON array of services.
/// </summary>
public sealed class CommandConformanceHook : IConformanceHook
{
    private readonly IReadOnlyList<string> _template;
    private readonly TimeSpan _timeout;

    /// <summary>Initializes a new instance of the <see cref="CommandConformanceHook"/> class.</summary>
    /// <param name="template">The command template.</param>
    /// <param name="timeout">How long one invocation may take before it is killed.</param>
    /// <exception cref="ArgumentException"><paramref name="template"/> is empty or has an unterminated quote.</exception>
    public CommandConformanceHook(string template, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _template = Split(template);
        _timeout = timeout;
    }

    /// <inheritdoc />
    public Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        return RunAsync(mutation.Operation, mutation.Name, mutation.Json, string.Empty, cancellationToken);
    }

    /// <inheritdoc />
    public Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerAddress);
        return RunAsync("start", string.Empty, string.Empty, ownerAddress.ToString(), cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) =>
        RunAsync("stop", string.Empty, string.Empty, string.Empty, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ConformanceHookException">The command failed or did not print a JSON array of objects.</exception>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var output = await RunAsync("list", string.Empty, string.Empty, string.Empty, cancellationToken).ConfigureAwait(false);
        return HookJson.ReadServiceArray(output, "the output of 'list'");
    }

    /// <summary>Splits a command template into arguments: spaces separate, single and double quotes group.</summary>
    internal static IReadOnlyList<string> Split(string template)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        char? quote = null;
        foreach (var c in template)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inArgument = true;
            }
            else if (c is ' ' or '\t')
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }
            }
            else
            {
                current.Append(c);
                inArgument = true;
            }
        }

        if (quote is not null)
        {
            throw new ArgumentException($"The hook template has an unterminated {quote} quote: {template}", nameof(template));
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        if (arguments.Count == 0)
        {
            throw new ArgumentException("The hook template names no command.", nameof(template));
        }

        return arguments;
    }

    private async Task<string> RunAsync(string op, string name, string json, string address, CancellationToken cancellationToken)
    {
        string Fill(string argument) => argument
            .Replace("{op}", op, StringComparison.Ordinal)
            .Replace("{name}", name, StringComparison.Ordinal)
            .Replace("{json}", json, StringComparison.Ordinal)
            .Replace("{address}", address, StringComparison.Ordinal);

        var start = new ProcessStartInfo(Fill(_template[0]))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _template.Skip(1))
        {
            start.ArgumentList.Add(Fill(argument));
        }

        start.Environment["MESHINTEROP_CONFORMANCE_OP"] = op;
        start.Environment["MESHINTEROP_CONFORMANCE_NAME"] = name;
        start.Environment["MESHINTEROP_CONFORMANCE_JSON"] = json;
        start.Environment["MESHINTEROP_CONFORMANCE_ADDRESS"] = address;

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ConformanceHookException($"The hook command '{start.FileName}' could not be started for '{op}': {ex.Message}", ex);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(bound.Token);
        var stderr = process.StandardError.ReadToEndAsync(bound.Token);
        try
        {
            await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new ConformanceHookException($"The hook '{op}' exited with code {process.ExitCode}: {errors.Trim()}");
            }

            return output;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new ConformanceHookException($"The hook '{op}' did not finish within {_timeout.TotalSeconds} s and was killed.");
        }
    }
}
