using System;
using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cluster.Debugd;
using Constellation.Cluster.Transport;
using Grpc.Net.Client;

namespace Constellation.Cli.Commands.Debug;

/// <summary>
/// What <c>debug deploy</c> and <c>debug logs</c> share: <c>--node HOST[:PORT]</c>, <c>--key</c>, and what the node must
/// prove (<c>--config</c> or <c>--variant</c> with <c>--measurements</c>, as <c>verify</c>); the channel is aTLS that
/// validates the node with those measurements and presents a certificate over the debug key; and the one-line
/// explanation of a failed call.
/// </summary>
internal sealed class DebugdConnection
{
    private readonly ClusterAttestation _attestation = new();

    public Option<string> Node { get; } = new("--node")
    {
        Description = $"The debug node as host[:port] (debugd's port, default {DebugdOptions.DefaultPort}).",
        Required = true,
    };

    public Option<string> Key { get; } = new("--key")
    {
        Description = $"The debug key's private key PEM ({DebugKeyCommand.PrivateKeyFileName} from `constellation debug key`).",
        Required = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Node);
        command.Options.Add(Key);
        command.Options.Add(_attestation.Config);
        command.Options.Add(_attestation.Variant);
        command.Options.Add(_attestation.Measurements);
    }

    public static string Endpoint(string node)
    {
        var colon = node.LastIndexOf(':');
        return colon > 0 && int.TryParse(node[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? node
            : $"{node}:{DebugdOptions.DefaultPort.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Opens the channel.</summary>
    /// <exception cref="UnusableInputException">The key or the attestation options are unusable.</exception>
    public async Task<Session> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var config = NodeAttestation(await _attestation.LoadAsync(parse, cancellationToken).ConfigureAwait(false));
        using var variants = new CliVariants();
        var validator = new RecordingValidator(ClusterAttestation.CreateValidator(config, variants));
        var path = parse.GetValue(Key)!;
        var pem = InputFile.ReadBytes(path, "--key", InputCap.DebugKey, secret: true);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(System.Text.Encoding.ASCII.GetString(pem));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new UnusableInputException($"--key {path}: expected an ECDSA private key PEM, got something else ({ex.Message})", "pass the debug-key.pem `constellation debug key` wrote");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pem);
        }

        var certificate = DebugKeyCertificate.Create(key, DateTimeOffset.UtcNow);
        var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator], ClientCertificate = certificate }).CreateChannel(Endpoint(parse.GetValue(Node)!));
        return new Session(channel, certificate, key, validator);
    }

    /// <summary>
    /// Runs <paramref name="call"/> on an open session and turns each failure into its exit code and one line: unusable
    /// options, a node that is not attested (nothing sent), a refused key, an unreachable node.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, string command, Func<Session, Task<int>> call, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var endpoint = Endpoint(parse.GetValue(Node)!);
        try
        {
            using var session = await OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            try
            {
                return await call(session).ConfigureAwait(false);
            }
            catch (DebugdException ex)
            {
                var (exitCode, line) = Explain(command, endpoint, session, ex);
                await error.WriteLineAsync(line).ConfigureAwait(false);
                return exitCode;
            }
        }
        catch (UnusableInputException ex)
        {
            await error.WriteLineAsync($"{command}: {ex.ToOneLine()}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (AttestationException ex)
        {
            await error.WriteLineAsync($"{command}: the node at {endpoint} is not attested: {ex.Message}. Nothing was sent.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
    }

    /// <summary>The exit code and line for a failed debugd call.</summary>
    public static (int ExitCode, string Line) Explain(string command, string endpoint, Session session, DebugdException ex)
    {
        if (ClusterAttestation.FindAttestationFailure(ex) is { } untrusted)
        {
            return (ExitCodes.Rejected,
                $"{command}: the node at {endpoint} is not attested: {untrusted.Message}. Nothing was sent. Hint: is it a debug image? --config/--measurements must hold the debug image's measurements.");
        }

        if (ex.Status is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Internal && session.NodeAttested)
        {
            // The node passed attestation, then closed the connection before any call: debugd does that to a key it does not authorize.
            return (ExitCodes.Rejected,
                $"{command}: the attested node at {endpoint} refused the connection after the handshake: it does not authorize the debug key {session.KeyFingerprint}. Nothing was sent. Hint: the debug image bakes in the public key of another --key.");
        }

        if (ex.Status is Grpc.Core.StatusCode.Unavailable)
        {
            return (ExitCodes.UnusableInput,
                $"{command}: cannot reach debugd at {endpoint}: {(FindSocketError(ex)?.Message ?? ex.Message)}. Hint: check --node (debugd's port is {DebugdOptions.DefaultPort}).");
        }

        return (ExitCodes.Rejected, $"{command}: debugd at {endpoint} refused: {ex.Message}");
    }

    /// <summary>
    /// What a debug node must show: the measurements without the cluster-ID register, which its bootstrapper may have
    /// extended already (as <c>verify</c> without <c>--cluster-id</c>).
    /// </summary>
    private static AttestationConfig NodeAttestation(AttestationConfig config) =>
        config.Definition.ClusterIdRegister is { } index ? config.WithMeasurements(config.Measurements.WithClusterId(index, [])) : config;

    private static SocketException? FindSocketError(Exception? error)
    {
        for (var current = error; current is not null; current = current.InnerException ?? (current as Grpc.Core.RpcException)?.Status.DebugException)
        {
            if (current is SocketException socket)
            {
                return socket;
            }
        }

        return null;
    }

    /// <summary>An open channel to debugd with the debug key's certificate; dispose it.</summary>
    internal sealed class Session(GrpcChannel channel, X509Certificate2 certificate, ECDsa key, RecordingValidator validator) : IDisposable
    {
        public GrpcChannel Channel => channel;

        /// <summary>Gets whether the node passed attestation on this channel.</summary>
        public bool NodeAttested => validator.Accepted;

        public string KeyFingerprint { get; } = DebugKeyFingerprint.Of(key.ExportSubjectPublicKeyInfo());

        public void Dispose()
        {
            channel.Dispose();
            certificate.Dispose();
            key.Dispose();
        }
    }
}
