using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Issuers.Transport;

/// <summary>
/// One connection to a TPM shared by every component of a process (issuer, PCR registers, tools), with commands
/// serialized: each command is written and its whole response read before the next command starts.
/// </summary>
/// <remarks>
/// <para>
/// Why: a swtpm socket serves one client connection at a time. Components that each open their own connection
/// deadlock as soon as one of them keeps a connection open while waiting for another (for example a caller holding a
/// connection while a service in the same process attests over a second one): the second connection is accepted by
/// the kernel but swtpm never reads it. Sharing one connection and serializing per command removes that hold-and-wait.
/// </para>
/// <para>
/// Thread safety: all members are safe to call concurrently. Commands from different leases interleave at command
/// granularity (never within a command), so a caller that needs several commands to see an unchanged TPM must
/// tolerate or detect changes in between (as the vTPM issuer does for PCR reads after a quote). If an exchange fails or
/// is cancelled mid-frame, the connection is closed (its byte stream can no longer be trusted to be in sync) and the
/// next command reconnects.
/// </para>
/// </remarks>
public sealed class SharedTpmConnection : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask<ITpmTransport>> _connect;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITpmTransport? _transport;
    private bool _disposed;

    /// <summary>Creates a shared connection; nothing is opened until the first command.</summary>
    /// <param name="connect">Opens the underlying transport (a swtpm socket or a TPM device).</param>
    public SharedTpmConnection(Func<CancellationToken, ValueTask<ITpmTransport>> connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        _connect = connect;
    }

    /// <summary>
    /// Returns a transport that sends its commands over the shared connection. Disposing it does not close the
    /// shared connection. Fits wherever a <c>Func&lt;CancellationToken, ValueTask&lt;ITpmTransport&gt;&gt;</c> opener is
    /// expected (e.g. <c>QemuVtpmVariant.CreateIssuer(shared.OpenAsync)</c>).
    /// </summary>
    /// <param name="cancellationToken">Not used; present to match the opener signature.</param>
    /// <returns>A lease on the shared connection.</returns>
    /// <exception cref="ObjectDisposedException">The shared connection was disposed.</exception>
    public ValueTask<ITpmTransport> OpenAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ValueTask.FromResult<ITpmTransport>(new Lease(this));
    }

    /// <summary>Closes the underlying connection. Leases fail with <see cref="ObjectDisposedException"/> afterwards.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_transport is not null)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
                _transport = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<byte[]> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _transport ??= await _connect(cancellationToken).ConfigureAwait(false);
            var completed = false;
            try
            {
                var response = await _transport.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                completed = true;
                return response;
            }
            finally
            {
                if (!completed)
                {
                    // A half-written command or half-read response leaves the stream out of step: start afresh.
                    await _transport.DisposeAsync().ConfigureAwait(false);
                    _transport = null;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Lease(SharedTpmConnection owner) : ITpmTransport
    {
        public ValueTask<byte[]> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
            owner.ExecuteAsync(command, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
