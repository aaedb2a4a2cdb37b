using System.Security.Cryptography;
using System.Text;

namespace Constellation.Tests.MeasuredLaunch;

/// <summary>
/// The event rules of docs/hosts.md ("Measured node launch") implemented again from the text, sharing no code with the
/// launcher: hash the files, the command line and the configuration, and fold the SHA-256 extends from zero.
/// </summary>
internal static class IndependentRecomputation
{
    public static byte[] Manifest(string directory)
    {
        var root = Path.GetFullPath(directory);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: Encoding.UTF8.GetBytes(Path.GetRelativePath(root, f).Replace('\\', '/')), Full: f))
            .OrderBy(f => f.Relative, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .ToList();
        var text = new List<byte>();
        foreach (var (relative, full) in files)
        {
            var content = File.ReadAllBytes(full);
            text.AddRange(relative);
            text.Add(0);
            text.AddRange(Encoding.ASCII.GetBytes(content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            text.Add(0);
            text.AddRange(Encoding.ASCII.GetBytes(Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant()));
            text.Add((byte)'\n');
        }

        return [.. text];
    }

    /// <summary>The SHA-256 PCR values 0–15 after the launch (PCRs without events zero).</summary>
    public static byte[][] Pcrs(string bootstrapperDirectory, string commandLine, byte[] configuration)
    {
        var pcrs = Enumerable.Range(0, 16).Select(_ => new byte[32]).ToArray();
        void Extend(int pcr, byte[] measured) => pcrs[pcr] = SHA256.HashData([.. pcrs[pcr], .. SHA256.HashData(measured)]);
        byte[] separator = [0, 0, 0, 0];

        Extend(0, Encoding.Unicode.GetBytes("Constellation.NET mini firmware 1\0"));
        Extend(0, Encoding.ASCII.GetBytes("POST CODE: constellation-mini firmware volume"));
        Extend(1, Encoding.ASCII.GetBytes("constellation-mini platform configuration"));
        Extend(7, separator);
        Extend(4, Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option"));
        for (var pcr = 0; pcr <= 6; pcr++)
        {
            Extend(pcr, separator);
        }

        Extend(4, Manifest(bootstrapperDirectory));
        Extend(9, Encoding.Unicode.GetBytes(commandLine + "\0"));
        Extend(9, configuration);
        Extend(5, Encoding.ASCII.GetBytes("Exit Boot Services Invocation"));
        Extend(5, Encoding.ASCII.GetBytes("Exit Boot Services Returned with Success"));
        return pcrs;
    }
}
