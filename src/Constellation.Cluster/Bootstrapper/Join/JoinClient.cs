using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Join;

/// <summary>
/// The bootstrapper's join client: asks the join services for a ticket (over client-attested aTLS, so the node's
/// attestation is checked before any secret is released), then takes the node lock and applies the ticket.
/// It stops silently when the init server took the lock first.
/// </summary>
/// <remarks>Run once per boot. Logs endpoints and outcomes, never keys or tokens.</remarks>
public sealed partial class JoinClient
{
    private readonly JoinClientOptions _options;
    private readonly IJoinEndpointSource _endpoints;
    private readonly IGrpcChannelFactory _channels;
    private readonly NodeActivation _activation;
    private readonly IClusterMembership _cluster;
    private readonly ILogger<JoinClient> _logger;
    private readonly byte[]? _sshHostKey;

    /// <summary>Creates the client.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="endpoints">Where join services are.</param>
    /// <param name="channels">The transport to the join service (client-attested aTLS).</param>
    /// <param name="activation">The node's activation.</param>
    /// <param name="cluster">Kubernetes join.</param>
    /// <param name="logger">The logger.</param>
    public JoinClient(JoinClientOptions options, IJoinEndpointSource endpoints, IGrpcChannelFactory channels, NodeActivation activation, IClusterMembership cluster, ILogger<JoinClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeName);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.SshHostPublicKey is not null)
        {
            _sshHostKey = SshHostKeyLine.ToWireFormat(options.SshHostPublicKey, nameof(options.SshHostPublicKey));
            if (options.SshDirectory is null)
            {
                throw new ArgumentException(
                    $"{nameof(options.SshDirectory)}: required when {nameof(options.SshHostPublicKey)} is set (the host certificate is written there)", nameof(options));
            }
        }

        _options = options;
        _endpoints = endpoints;
        _channels = channels;
        _activation = activation;
        _cluster = cluster;
        _logger = logger;
    }

    /// <summary>Tries every endpoint, round after round, until a ticket is applied or the node is locked by init.</summary>
    /// <param name="cancellationToken">Stops the client.</param>
    /// <returns><see langword="true"/> if this client joined the node; <see langword="false"/> if the node was already locked.</returns>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        using var kubeletKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = CreateCsr(kubeletKey);
        while (!_activation.Lock.IsLocked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var endpoint in await _endpoints.GetEndpointsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_activation.Lock.IsLocked)
                {
                    break;
                }

                var ticket = await TryRequestTicketAsync(endpoint, csr, cancellationToken).ConfigureAwait(false);
                if (ticket is null)
                {
                    continue;
                }

                using var applyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                applyTimeout.CancelAfter(_options.ApplyTimeout);
                return await ApplyAsync(ticket, kubeletKey, applyTimeout.Token).ConfigureAwait(false);
            }

            if (!_activation.Lock.IsLocked)
            {
                await Task.Delay(_options.RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        LogLockedElsewhere(_logger);
        return false;
    }

    /// <summary>Builds the request the client sends (exposed for tests and tools).</summary>
    /// <param name="csr">The DER CSR.</param>
    /// <returns>The request.</returns>
    internal IssueJoinTicketRequest CreateRequest(byte[] csr)
    {
        var request = new IssueJoinTicketRequest
        {
            DiskUuid = _activation.Disk.Uuid.ToLowerInvariant(),
            CertificateRequest = ByteString.CopyFrom(csr),
            IsControlPlane = _options.IsControlPlane,
        };
        if (_sshHostKey is not null)
        {
            request.HostPublicKey = ByteString.CopyFrom(_sshHostKey);
            request.HostCertificatePrincipals.AddRange(_options.SshHostCertificatePrincipals.Count > 0
                ? _options.SshHostCertificatePrincipals
                : [_options.NodeName, .. _options.NodeAddresses.Select(a => a.ToString())]);
        }

        return request;
    }

    private byte[] CreateCsr(ECDsa key)
    {
        var subject = new X500DistinguishedName($"CN={KubeletCsr.NodeCommonNamePrefix}{_options.NodeName}, O={KubeletCsr.NodesOrganization}");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (_options.NodeAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var address in _options.NodeAddresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return request.CreateSigningRequest();
    }

    private async Task<IssueJoinTicketResponse?> TryRequestTicketAsync(string endpoint, byte[] csr, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var channel = _channels.CreateChannel(endpoint);
            var client = new API.APIClient(channel);
            var ticket = await client.IssueJoinTicketAsync(CreateRequest(csr), cancellationToken: timeout.Token).ConfigureAwait(false);
            LogTicketReceived(_logger, endpoint);
            return ticket;
        }
        catch (RpcException ex)
        {
            LogRequestFailed(_logger, endpoint, ex.StatusCode, ex.Status.Detail);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogRequestTimedOut(_logger, endpoint, _options.RequestTimeout);
            return null;
        }
    }

    private async Task<bool> ApplyAsync(IssueJoinTicketResponse ticket, ECDsa kubeletKey, CancellationToken cancellationToken)
    {
        if (ticket.MeasurementSecret.Length != ClusterKeyDerivation.KeyLength || ticket.StateDiskKey.Length != ClusterKeyDerivation.KeyLength)
        {
            throw new InvalidOperationException(
                $"join ticket: expected 32-byte measurement secret and state disk key, got {ticket.MeasurementSecret.Length} and {ticket.StateDiskKey.Length} bytes");
        }

        if (_sshHostKey is not null && ticket.HostCertificate.IsEmpty)
        {
            throw new InvalidOperationException("join ticket: expected an SSH host certificate for the host key sent, got none");
        }

        var clusterId = ClusterKeyDerivation.DeriveClusterId(ticket.MeasurementSecret.Span, ticket.MeasurementSalt.Span);
        using var certificate = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(ticket.KubeletCert.Span));
        using var withKey = certificate.CopyWithPrivateKey(kubeletKey);
        var material = new KubernetesJoinMaterial(
            _options.NodeName,
            ticket.ApiServerEndpoint,
            ticket.Token,
            ticket.DiscoveryTokenCaCertHash,
            withKey,
            ticket.ControlPlaneFiles.Select(f => new ControlPlaneFile(f.Name, f.Data.ToByteArray())).ToArray<ControlPlaneFile>());
        var diskKey = ticket.StateDiskKey.ToByteArray();
        try
        {
            var joined = await _activation.TryActivateAsync(
                _options.IsControlPlane ? NodeRole.ControlPlane : NodeRole.Worker,
                clusterId,
                diskKey,
                ticket.MeasurementSalt.Memory,
                token => _cluster.JoinAsync(material, token),
                cancellationToken).ConfigureAwait(false);
            if (joined)
            {
                await WriteSshFilesAsync(ticket, cancellationToken).ConfigureAwait(false);
                LogJoined(_logger, _options.NodeName, ticket.ApiServerEndpoint);
            }
            else
            {
                LogLockedElsewhere(_logger);
            }

            return joined;
        }
        finally
        {
            NodeActivation.Clear(diskKey);
        }
    }

    // Public keys and a certificate, no secrets: readable by all, written whole (a reader never sees half a file).
    private async Task WriteSshFilesAsync(IssueJoinTicketResponse ticket, CancellationToken cancellationToken)
    {
        if (_options.SshDirectory is not { } directory)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        if (!ticket.AuthorizedCaPublicKey.IsEmpty)
        {
            await WriteWholeAsync(Path.Combine(directory, "ssh_ca.pub"), ticket.AuthorizedCaPublicKey.Memory, cancellationToken).ConfigureAwait(false);
        }

        if (!ticket.HostCertificate.IsEmpty)
        {
            await WriteWholeAsync(Path.Combine(directory, "ssh_host_cert.pub"), ticket.HostCertificate.Memory, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteWholeAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "received join ticket from {Endpoint}")]
    private static partial void LogTicketReceived(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "join ticket request to {Endpoint} failed: {Status}: {Detail}")]
    private static partial void LogRequestFailed(ILogger logger, string endpoint, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "join ticket request to {Endpoint} timed out after {Timeout}")]
    private static partial void LogRequestTimedOut(ILogger logger, string endpoint, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName} joined the cluster at {ApiServer}")]
    private static partial void LogJoined(ILogger logger, string nodeName, string apiServer);

    [LoggerMessage(Level = LogLevel.Information, Message = "node lock already taken (node initialised or joined); join client stops")]
    private static partial void LogLockedElsewhere(ILogger logger);
}
