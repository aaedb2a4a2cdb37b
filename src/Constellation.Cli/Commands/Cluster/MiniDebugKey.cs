using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cli.Commands.Debug;
using Constellation.Cluster.Keys;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// The cluster's debug key (<c>&lt;dir&gt;/debug-key.pem</c>, 0600, and <c>debug-key.pub.pem</c>, the names of
/// <c>constellation debug key</c>): made the first time a debug image is composed; its public half is baked into the
/// debug image, whose debugd admits only it (<c>constellation debug deploy --key &lt;dir&gt;/debug-key.pem</c>).
/// </summary>
internal static class MiniDebugKey
{
    public static string PrivateKey(string root) => Path.Combine(root, DebugKeyCommand.PrivateKeyFileName);

    public static async Task<byte[]> PublicPemAsync(string root, CancellationToken ct)
    {
        var publicPath = Path.Combine(root, DebugKeyCommand.PublicKeyFileName);
        if (!File.Exists(publicPath))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await SecretFile.WriteNewAsync(PrivateKey(root), Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n", ct).ConfigureAwait(false);
        }

        return await File.ReadAllBytesAsync(publicPath, ct).ConfigureAwait(false);
    }
}
