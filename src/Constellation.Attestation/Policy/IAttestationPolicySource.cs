using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;

namespace Constellation.Attestation.Policy;

/// <summary>Where an <see cref="UpdateableAttestationValidator"/> reads its policy from.</summary>
public interface IAttestationPolicySource
{
    /// <summary>Gets a short description for log messages, e.g. the file path.</summary>
    string Description { get; }

    /// <summary>Reads and parses the current policy.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The complete policy.</returns>
    /// <exception cref="AttestationException">The policy cannot be read or parsed; the message says why.</exception>
    ValueTask<AttestationConfig> LoadAsync(CancellationToken cancellationToken = default);
}
