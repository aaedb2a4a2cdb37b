using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Debugd;

namespace Constellation.Cli.Commands.Debug;

/// <summary>
/// <c>constellation debug key --out DIR</c>: makes the developer's debug key: an ECDSA P-256 private key
/// (<c>debug-key.pem</c>, PKCS#8 PEM, mode 0600) and its public key (<c>debug-key.pub.pem</c>), which the debug image
/// bakes in as debugd's <c>AuthorizedKey</c>. An existing key is never overwritten.
/// </summary>
internal static class DebugKeyCommand
{
    public const string PrivateKeyFileName = "debug-key.pem";
    public const string PublicKeyFileName = "debug-key.pub.pem";

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The directory to write debug-key.pem and debug-key.pub.pem into (created if missing).", Required = true };
        var command = new Command("key", "Make a debug key: the private key for debug deploy/logs and the public key to bake into the debug image.") { output };
        command.SetAction((parse, ct) => RunAsync(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, Path.GetFullPath(parse.GetValue(output)!), ct));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, TextWriter error, string directory, CancellationToken cancellationToken)
    {
        var privatePath = Path.Combine(directory, PrivateKeyFileName);
        var publicPath = Path.Combine(directory, PublicKeyFileName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privatePem = key.ExportPkcs8PrivateKeyPem();
        var publicPem = key.ExportSubjectPublicKeyInfoPem();
        try
        {
            Directory.CreateDirectory(directory);
            await WriteNewAsync(privatePath, privatePem, UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken).ConfigureAwait(false);
            await WriteNewAsync(publicPath, publicPem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"debug key: cannot write the key into {directory}: {ex.Message}. Hint: an existing key is never overwritten; choose another --out.").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }

        await output.WriteLineAsync($"Debug key {DebugKeyFingerprint.Of(key.ExportSubjectPublicKeyInfo())} written: {privatePath} (private, 0600), {publicPath} (bake into the debug image as debugd's AuthorizedKey).").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task WriteNewAsync(string path, string text, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }
    }
}
