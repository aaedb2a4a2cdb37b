using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Constellation.Cluster.JoinService.Ssh;

/// <summary>
/// The cluster's emergency SSH certificate authority: an Ed25519 key whose seed the key service derives from the master
/// secret (<see cref="Keys.DataKeyId.EmergencySshCaSeed"/>, <c>key-ca_emergency_ssh</c>, 32 bytes), so every join service instance holds the same CA. It signs OpenSSH
/// host certificates for joining nodes and publishes its public key as an authorized_keys line.
/// </summary>
/// <remarks>
/// Ed25519 is not in .NET's cryptography API, so BouncyCastle signs. The private key never leaves this object and
/// <see cref="ToString"/> does not show it. Thread-safe (each signature uses its own signer).
/// </remarks>
internal sealed class EmergencySshCa
{
    /// <summary>The seed length (an Ed25519 private key seed).</summary>
    public const int SeedLength = 32;

    private const uint HostCertificate = 2;
    private const string KeyType = "ssh-ed25519";
    private readonly Ed25519PrivateKeyParameters _key;
    private readonly byte[] _publicKeyWire;

    /// <summary>Creates the CA from its 32-byte seed; the caller keeps (and wipes) its copy of the seed.</summary>
    public EmergencySshCa(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"the emergency SSH CA seed must be {SeedLength} bytes, got {seed.Length}", nameof(seed));
        }

        _key = new Ed25519PrivateKeyParameters(seed.ToArray(), 0);
        _publicKeyWire = new SshWireWriter().String(KeyType).String(_key.GeneratePublicKey().GetEncoded()).ToArray();
    }

    /// <summary>Gets the CA public key in SSH wire format.</summary>
    public ReadOnlySpan<byte> PublicKeyWire => _publicKeyWire;

    /// <summary>Gets the CA public key as an authorized_keys line (<c>ssh-ed25519 &lt;base64&gt;\n</c>), as the ticket carries it.</summary>
    public byte[] AuthorizedKeyLine() => AuthorizedKeysFormat(KeyType, _publicKeyWire);

    /// <summary>Signs an OpenSSH host certificate (PROTOCOL.certkeys) for <paramref name="hostKey"/>.</summary>
    /// <param name="hostKey">The node's host public key.</param>
    /// <param name="keyId">The certificate's key id (the node name).</param>
    /// <param name="principals">The host names the certificate is valid for; at least one.</param>
    /// <param name="validAfter">The start of validity.</param>
    /// <param name="validBefore">The end of validity, or <see langword="null"/> for "forever".</param>
    /// <returns>The certificate as an authorized_keys line.</returns>
    public byte[] SignHostCertificate(SshPublicKey hostKey, string keyId, IReadOnlyList<string> principals, DateTimeOffset validAfter, DateTimeOffset? validBefore)
    {
        ArgumentNullException.ThrowIfNull(hostKey);
        ArgumentNullException.ThrowIfNull(principals);
        if (principals.Count == 0)
        {
            throw new ArgumentException("a host certificate needs at least one principal", nameof(principals));
        }

        var certType = hostKey.Type + "-cert-v01@openssh.com";
        var toBeSigned = new SshWireWriter()
            .String(certType)
            .String(RandomNumberGenerator.GetBytes(32))
            .Raw(hostKey.Fields)
            .UInt64(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)))
            .UInt32(HostCertificate)
            .String(keyId)
            .StringList(principals)
            .UInt64(checked((ulong)validAfter.ToUnixTimeSeconds()))
            .UInt64(validBefore is { } before ? checked((ulong)before.ToUnixTimeSeconds()) : ulong.MaxValue)
            .String(ReadOnlySpan<byte>.Empty) // critical options: none for host certificates
            .String(ReadOnlySpan<byte>.Empty) // extensions: none for host certificates
            .String(ReadOnlySpan<byte>.Empty) // reserved
            .String(_publicKeyWire)
            .ToArray();

        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        signer.BlockUpdate(toBeSigned, 0, toBeSigned.Length);
        var signature = new SshWireWriter().String(KeyType).String(signer.GenerateSignature()).ToArray();
        var certificate = new SshWireWriter().Raw(toBeSigned).String(signature).ToArray();
        return AuthorizedKeysFormat(certType, certificate);
    }

    /// <inheritdoc />
    public override string ToString() => "EmergencySshCa(ssh-ed25519)";

    private static byte[] AuthorizedKeysFormat(string type, byte[] blob) => Encoding.ASCII.GetBytes($"{type} {Convert.ToBase64String(blob)}\n");
}
