using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Issuers.Transport;

/// <summary>
/// Carries one marshalled TPM 2.0 command to a TPM and returns its complete response. Implementations are not
/// required to be thread-safe: callers serialize commands (as <see cref="Commands.TpmClient"/> does), and
/// <see cref="SharedTpmConnection"/> serializes commands of several components over one connection.
/// </summary>
public interface ITpmTransport : IAsyncDisposable
{
    /// <summary>Sends a command and reads the whole response.</summary>
    /// <param name="command">The command bytes (header, handles, authorization area, parameters).</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The response bytes.</returns>
    /// <exception cref="TpmTransportException">The TPM could not be reached or answered with a malformed frame.</exception>
    ValueTask<byte[]> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken);
}
