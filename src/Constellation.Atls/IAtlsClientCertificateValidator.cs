using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Atls;

/// <summary>
/// A server's check of a plain (not attested) TLS client certificate, e.g. an administrator's certificate from a
/// cluster CA, on a server that attests itself (<see cref="AtlsOptions.ClientCertificateValidator"/>). It runs after
/// the handshake and before any application data, like the attestation checks.
/// </summary>
/// <remarks>Implementations are thread safe: one instance checks every connection of a server.</remarks>
public interface IAtlsClientCertificateValidator
{
    /// <summary>Checks the certificate the client presented.</summary>
    /// <param name="certificate">The client's leaf certificate.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the client is accepted.</returns>
    /// <exception cref="Attestation.AttestationException">The client is not accepted; the message names what does not match.</exception>
    ValueTask ValidateAsync(X509Certificate2 certificate, CancellationToken cancellationToken);
}
