using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>Runs Debian's <c>cryptsetup</c>; keys are passed on stdin (<c>--key-file -</c>), never on the command line.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">What cryptsetup printed.</param>
/// <param name="StandardError">What cryptsetup reported.</param>
internal sealed record CryptsetupResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Invokes the cryptsetup binary.</summary>
internal static class Cryptsetup
{
    public static async Task<CryptsetupResult> RunAsync(string executable, IReadOnlyList<string> arguments, ReadOnlyMemory<byte> standardInput, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new StateDiskException($"cryptsetup: could not start {executable}");
        }
        catch (Win32Exception ex)
        {
            throw new StateDiskException($"cryptsetup: could not start {executable} ({ex.Message}); install Debian's cryptsetup-bin", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(standardInput, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // cryptsetup exited before reading stdin (e.g. bad arguments); its exit code and stderr say why.
            }
            finally
            {
                process.StandardInput.Close();
            }

            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return new CryptsetupResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }
}
