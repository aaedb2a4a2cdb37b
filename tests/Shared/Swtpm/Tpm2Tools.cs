using System.Diagnostics;

namespace Constellation.Tests.Swtpm;

/// <summary>Runs Debian tpm2-tools against a swtpm. Fails loudly when tpm2-tools is not installed.</summary>
internal static class Tpm2Tools
{
    public static async Task<(int ExitCode, string Output)> RunAsync(SwtpmProcess swtpm, string workingDirectory, string tool, params string[] args)
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
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<string> RunOkAsync(SwtpmProcess swtpm, string workingDirectory, string tool, params string[] args)
    {
        var (code, output) = await RunAsync(swtpm, workingDirectory, tool, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {code}: {output}");
        }

        return output;
    }
}
