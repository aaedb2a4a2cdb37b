using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// Runs <c>ip</c> and <c>wg</c> for one interface, in the caller's network namespace or, when
/// <see cref="WireGuardInterfaceOptions.NetworkNamespace"/> is set, through <c>ip netns exec</c>. Arguments never carry
/// a private key (it is passed as the path of its 0600 file); output is returned, not logged.
/// </summary>
internal sealed class WireGuardTools(WireGuardInterfaceOptions options)
{
    private readonly WireGuardInterfaceOptions _options = options;

    /// <summary>Builds the start information for <paramref name="executable"/> inside the configured namespace.</summary>
    public ProcessStartInfo StartInfo(string executable, IEnumerable<string> arguments)
    {
        ProcessStartInfo start;
        if (_options.NetworkNamespace is { } ns)
        {
            start = new ProcessStartInfo(_options.IpPath);
            foreach (var prefix in (string[])["netns", "exec", ns, executable])
            {
                start.ArgumentList.Add(prefix);
            }
        }
        else
        {
            start = new ProcessStartInfo(executable);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.UseShellExecute = false;
        return start;
    }

    public Task<string> IpAsync(CancellationToken cancellationToken, params string[] arguments) => RunAsync(_options.IpPath, arguments, cancellationToken);

    public Task<string> WgAsync(CancellationToken cancellationToken, params string[] arguments) => RunAsync(_options.WgPath, arguments, cancellationToken);

    /// <summary>Runs a tool to its end; a non-zero exit is a <see cref="VpnException"/> naming the command and its error output.</summary>
    public async Task<string> RunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await TryRunAsync(executable, arguments, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new VpnException($"{Describe(executable, arguments)}: expected exit code 0, got {result.ExitCode}: {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }

    /// <summary>Runs a tool to its end and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string StandardOutput, string StandardError)> TryRunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = StartInfo(executable, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new VpnException($"{Describe(executable, arguments)}: could not start {start.FileName}");
        }
        catch (Win32Exception ex)
        {
            throw new VpnException($"{Describe(executable, arguments)}: could not start {start.FileName} ({ex.Message}); install Debian's iproute2, wireguard-tools and wireguard-go", ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    private string Describe(string executable, IReadOnlyList<string> arguments)
    {
        var where = _options.NetworkNamespace is { } ns ? $" (in network namespace {ns})" : string.Empty;
        return $"{System.IO.Path.GetFileName(executable)} {string.Join(' ', arguments)}{where}";
    }
}
