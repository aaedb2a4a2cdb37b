using System.Diagnostics;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.AzureTdx;

/// <summary>Runs Debian tpm2-tools against a swtpm to provision what Azure's paravisor provides. Fails loudly when missing.</summary>
internal static class Tpm2ToolsOnSwtpm
{
    public static async Task RunOkAsync(SwtpmProcess swtpm, string workingDirectory, string tool, params string[] args)
    {
        var executable = SwtpmProcess.FindExecutable(tool)
            ?? throw new InvalidOperationException($"{tool} is not installed (apt-get install tpm2-tools; .ci/run installs it)");
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TPM2TOOLS_TCTI"] = swtpm.Tcti;
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
