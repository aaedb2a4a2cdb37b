using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Ssh;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// Builds join and rejoin tickets for nodes whose attestation the transport (client-attested aTLS) has already validated:
/// every field is checked (canonical disk UUID, kubelet CSR, SSH host key and principals, the control-plane role against
/// <see cref="JoinServiceOptions.ControlPlaneNodeNames"/>), the node name and disk are bound to each other, the CSR is
/// signed, a bootstrap token issued, the disk key and measurement secret fetched from the key service.
/// </summary>
/// <remarks>Thread-safe. Logs node names and disk fingerprints, never disk UUIDs, keys, tokens or certificates' private parts.</remarks>
internal sealed partial class JoinTicketIssuer
{
    /// <summary>The cluster CA certificate among the control-plane files (public; every node gets it).</summary>
    internal const string CaCertificateFile = "ca.crt";

    private readonly IDataKeyProvider _keys;
    private readonly IKubernetesOperations _kubernetes;
    private readonly INodeNameRegistry _nodeNames;
    private readonly JoinServiceOptions _options;
    private readonly ILogger<JoinTicketIssuer> _logger;

    /// <summary>Creates the issuer.</summary>
    /// <param name="keys">The key service.</param>
    /// <param name="kubernetes">The Kubernetes operations.</param>
    /// <param name="nodeNames">The node-name bindings.</param>
    /// <param name="options">The join service settings.</param>
    /// <param name="logger">The logger.</param>
    public JoinTicketIssuer(IDataKeyProvider keys, IKubernetesOperations kubernetes, INodeNameRegistry nodeNames, JoinServiceOptions options, ILogger<JoinTicketIssuer> logger)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(kubernetes);
        ArgumentNullException.ThrowIfNull(nodeNames);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _keys = keys;
        _kubernetes = kubernetes;
        _nodeNames = nodeNames;
        _options = options;
        _logger = logger;
    }

    /// <summary>Issues a join ticket.</summary>
    /// <param name="request">The request of an attested node.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="JoinRequestRejectedException">A request field is not acceptable.</exception>
    public async Task<IssueJoinTicketResponse> IssueJoinTicketAsync(IssueJoinTicketRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var disk = ParseDiskUuid(request.DiskUuid);
        var csr = KubeletCsr.Parse(request.CertificateRequest.Span);
        var hostCertificate = SshHostCertificateRequest.Read(request.HostPublicKey.Span, request.HostCertificatePrincipals);

        // The role is the join service's decision: the flag only asks. Checked before the claim, so a refusal binds nothing.
        if (request.IsControlPlane && !_options.ControlPlaneNodeNames.Contains(csr.NodeName))
        {
            throw new JoinRequestRejectedException(
                "is_control_plane", "a node name this join service admits as a control plane", $"{RequestText.Quote(csr.NodeName)}, which it does not admit");
        }

        await _nodeNames.ClaimAsync(csr.NodeName, disk, cancellationToken).ConfigureAwait(false);
        LogIssuing(_logger, csr.NodeName, request.IsControlPlane, disk);

        var measurementSecret = await _keys.GetDataKeyAsync(DataKeyId.MeasurementSecret, ClusterKeyDerivation.KeyLength, cancellationToken).ConfigureAwait(false);
        var diskKey = await _keys.GetDataKeyAsync(DataKeyId.StateDisk(disk), ClusterKeyDerivation.KeyLength, cancellationToken).ConfigureAwait(false);
        var sshCaSeed = await _keys.GetDataKeyAsync(DataKeyId.EmergencySshCaSeed, EmergencySshCa.SeedLength, cancellationToken).ConfigureAwait(false);
        try
        {
            var sshCa = new EmergencySshCa(sshCaSeed);
            var certificate = await _kubernetes.SignKubeletCertificateAsync(csr, cancellationToken).ConfigureAwait(false);
            var token = await _kubernetes.CreateBootstrapTokenAsync(_options.TokenLifetime, cancellationToken).ConfigureAwait(false);
            var response = new IssueJoinTicketResponse
            {
                StateDiskKey = ByteString.CopyFrom(diskKey),
                MeasurementSalt = ByteString.CopyFrom(_options.MeasurementSalt.Span),
                MeasurementSecret = ByteString.CopyFrom(measurementSecret),
                KubeletCert = ByteString.CopyFrom(certificate),
                ApiServerEndpoint = _kubernetes.ApiServerEndpoint,
                Token = token.Value,
                DiscoveryTokenCaCertHash = _kubernetes.DiscoveryTokenCaCertHash,
                AuthorizedCaPublicKey = ByteString.CopyFrom(sshCa.AuthorizedKeyLine()),
            };
            if (hostCertificate is not null)
            {
                // Valid from an hour back (clock skew) and without end: the certificate is for emergency access, when
                // nobody may be around to renew it. The spec leaves the validity to the implementation.
                var now = _options.TimeProvider.GetUtcNow();
                response.HostCertificate = ByteString.CopyFrom(sshCa.SignHostCertificate(
                    hostCertificate.HostKey, csr.NodeName, hostCertificate.Principals, now.AddHours(-1), validBefore: null));
            }

            // Control planes get the PKI; workers only the cluster CA certificate (kubeadm join writes pki/ca.crt on every
            // node), with which they check the VPN API's server before they publish their WireGuard key.
            foreach (var file in await _kubernetes.GetControlPlaneFilesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (request.IsControlPlane || file.Name == CaCertificateFile)
                {
                    response.ControlPlaneFiles.Add(new control_plane_cert_or_key { Name = file.Name, Data = ByteString.CopyFrom(file.Data.Span) });
                }
            }

            LogIssued(_logger, csr.NodeName, token.Id, token.Expires);
            return response;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(diskKey);
            CryptographicOperations.ZeroMemory(measurementSecret);
            CryptographicOperations.ZeroMemory(sshCaSeed);
        }
    }

    /// <summary>Issues a rejoin ticket (disk key and measurement secret) for a rebooting node whose disk is bound to a node name.</summary>
    /// <param name="request">The request of an attested node.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="JoinRequestRejectedException">The disk UUID is malformed, or the disk never joined.</exception>
    public async Task<IssueRejoinTicketResponse> IssueRejoinTicketAsync(IssueRejoinTicketRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var disk = ParseDiskUuid(request.DiskUuid);

        // A rebooting node's disk joined before (or is the init node's); keys for disks that never joined are not handed out.
        if (!await _nodeNames.IsBoundAsync(disk, cancellationToken).ConfigureAwait(false))
        {
            throw new JoinRequestRejectedException("disk_uuid", "the state disk of a node that joined this cluster", "a state disk that never joined");
        }

        LogRejoin(_logger, disk);
        var measurementSecret = await _keys.GetDataKeyAsync(DataKeyId.MeasurementSecret, ClusterKeyDerivation.KeyLength, cancellationToken).ConfigureAwait(false);
        var diskKey = await _keys.GetDataKeyAsync(DataKeyId.StateDisk(disk), ClusterKeyDerivation.KeyLength, cancellationToken).ConfigureAwait(false);
        try
        {
            return new IssueRejoinTicketResponse { StateDiskKey = ByteString.CopyFrom(diskKey), MeasurementSecret = ByteString.CopyFrom(measurementSecret) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(diskKey);
            CryptographicOperations.ZeroMemory(measurementSecret);
        }
    }

    // Only a canonical UUID becomes a disk key id, so no request can name the cluster's internal keys; the node sends it
    // lower-case (protocols.md §2.2), other spellings are lower-cased so that they are the same disk, with the same key.
    private static StateDiskUuid ParseDiskUuid(string diskUuid)
    {
        if (!StateDiskUuid.TryParse(diskUuid, out var disk, out var problem))
        {
            throw new MalformedJoinRequestException($"invalid disk_uuid: the LUKS2 UUID of the node's state disk: {problem}");
        }

        return disk;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "issuing join ticket for node {NodeName} (control plane: {IsControlPlane}, {Disk})")]
    private static partial void LogIssuing(ILogger logger, string nodeName, bool isControlPlane, StateDiskUuid disk);

    [LoggerMessage(Level = LogLevel.Information, Message = "issued join ticket for node {NodeName} with bootstrap token id {TokenId}, expires {Expires}")]
    private static partial void LogIssued(ILogger logger, string nodeName, string tokenId, DateTimeOffset expires);

    [LoggerMessage(Level = LogLevel.Information, Message = "issuing rejoin ticket for {Disk}")]
    private static partial void LogRejoin(ILogger logger, StateDiskUuid disk);
}
